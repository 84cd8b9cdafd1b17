//go:build js && wasm

package bridge_test

import (
	"context"
	"errors"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/bridge/bridgetest"
	"github.com/goiap/goiap/internal/wasm"
)

func TestPurchaseSuccess(t *testing.T) {
	e := newEnv(t)
	g := &grants{ok: true}
	done := e.purchase(context.Background(), "coin_100", g.grant)

	co := e.next()
	assert.Equal(t, "coin_100", co.SKU())
	assert.False(t, co.Legacy())
	assert.Equal(t, 1, e.sdk.Open())
	granted, err := co.Pay("order-1", bridgetest.ResultFor("", co.SKU()))
	require.NoError(t, err)
	assert.True(t, granted)

	o := e.outcome(done)
	require.NoError(t, o.err)
	assert.Equal(t, bridgetest.ResultFor("order-1", "coin_100"), o.res)
	assert.Equal(t, []string{"order-1"}, g.orders())
	assert.True(t, co.CleanedUp(), "the client cleans up at settle")
	assert.Equal(t, 0, e.sdk.Open())
	assert.Equal(t, 1, e.sdk.Posted())

	err = co.Succeed(bridgetest.ResultFor("order-1", "coin_100"))
	assert.ErrorIs(t, err, bridgetest.ErrDropped, "events after cleanup are dropped")
}

func TestCreateOneTimePurchaseOrderSuccess(t *testing.T) {
	e := newEnv(t)
	cb := newCallbacks()
	cleanup, err := e.c.CreateOneTimePurchaseOrder(cb.options("gem_5", grantTrue))
	require.NoError(t, err)
	require.NotNil(t, cleanup)
	assert.Equal(t, 1, e.c.Stats().InFlight)

	co := e.next()
	_, err = co.Pay("order-2", bridgetest.ResultFor("order-2", "gem_5"))
	require.NoError(t, err)
	assert.Equal(t, bridgetest.ResultFor("order-2", "gem_5"), cb.wantSuccess(t))
	assert.True(t, co.CleanedUp(), "the client cleans up at settle, without the caller's help")
	assert.Equal(t, 0, e.sdk.Open())

	cleanup() // after settling: a no-op
	cleanup()
	cb.nothingMore(t)
}

func TestCleanupBeforeSettleAbortsOnce(t *testing.T) {
	e := newEnv(t)
	cb := newCallbacks()
	g := &grants{ok: true}
	cleanup, err := e.c.CreateOneTimePurchaseOrder(cb.options("gem_5", g.grant))
	require.NoError(t, err)
	co := e.next()

	cleanup()
	cleanup()
	ae := asError(t, cb.wantError(t), bridge.ErrAborted)
	assert.Empty(t, ae.OrderID)
	cb.nothingMore(t)
	assert.True(t, co.CleanedUp())
	assert.Equal(t, 0, e.sdk.Open())

	_, err = co.Purchased("order-3")
	assert.ErrorIs(t, err, bridgetest.ErrDropped)
	assert.ErrorIs(t, co.Fail(bridge.ErrUserCanceled, "", ""), bridgetest.ErrDropped)
	assert.Empty(t, g.orders(), "a purchased event after cleanup never reaches the grant")
	cleanup()
	cb.nothingMore(t)
}

func TestSDKErrorCodesRoundTrip(t *testing.T) {
	sdkCodes := bridge.Codes()[:11]
	require.Equal(t, bridge.ErrProductNotGrantedByPartner, sdkCodes[10])
	for _, code := range sdkCodes {
		t.Run(string(code), func(t *testing.T) {
			e := newEnv(t)
			done := e.purchase(context.Background(), "coin_100", grantTrue)
			co := e.next()
			require.NoError(t, co.Fail(code, "the app says "+string(code), ""))
			o := e.outcome(done)
			be := asError(t, o.err, code)
			assert.Equal(t, "the app says "+string(code), be.Message)
			assert.Empty(t, be.OrderID)
			assert.Equal(t, map[string]any{}, be.UserInfo)
			assert.Contains(t, o.err.Error(), string(code))
			var je *wasm.Error
			require.ErrorAs(t, o.err, &je, "the JS error is the cause")
			assert.Equal(t, "Error", je.Name)
			assert.Equal(t, wasm.TypeObject, je.Shape)
			assert.True(t, je.Raw.Get("__isError").Bool(), "the SDK rebuilt it with its keys")
			assert.Equal(t, "IAP", je.Raw.Get("moduleName").Str())
			assert.True(t, co.CleanedUp())
		})
	}
}

func TestErrorCarriesOrderID(t *testing.T) {
	t.Run("userInfo", func(t *testing.T) {
		e := newEnv(t)
		done := e.purchase(context.Background(), "coin_100", grantTrue)
		require.NoError(t, e.next().Fail(bridge.ErrTossServerVerificationFailed, "", "order-7"))
		be := asError(t, e.outcome(done).err, bridge.ErrTossServerVerificationFailed)
		assert.Equal(t, "order-7", be.OrderID)
		assert.Equal(t, map[string]any{"orderId": "order-7"}, be.UserInfo)
		assert.Equal(t, "TOSS_SERVER_VERIFICATION_FAILED", be.Message, "an empty message is the code")
		assert.Contains(t, be.Error(), "(order order-7)")
	})
	t.Run("known from the flow", func(t *testing.T) {
		e := newEnv(t)
		done := e.purchase(context.Background(), "coin_100", grantTrue)
		co := e.next()
		granted, err := co.Purchased("order-8")
		require.NoError(t, err)
		require.True(t, granted)
		require.NoError(t, co.Fail(bridge.ErrNetworkError, "lost", ""))
		be := asError(t, e.outcome(done).err, bridge.ErrNetworkError)
		assert.Equal(t, "order-8", be.OrderID)
	})
	t.Run("userInfo wins over the flow", func(t *testing.T) {
		e := newEnv(t)
		done := e.purchase(context.Background(), "coin_100", grantTrue)
		co := e.next()
		_, err := co.Purchased("order-8")
		require.NoError(t, err)
		require.NoError(t, co.Fail(bridge.ErrInternalError, "", "order-9"))
		assert.Equal(t, "order-9", asError(t, e.outcome(done).err, bridge.ErrInternalError).OrderID)
	})
}

func TestErrorShapes(t *testing.T) {
	jsErr := jsFunc("", "const e = new TypeError('typed'); e.code = 'ITEM_ALREADY_OWNED'; return e").Invoke()
	tests := []struct {
		name    string
		payload any
		code    bridge.Code
		msg     string // substring of the message
		orderID string
	}{
		{"plain object", map[string]any{"code": "USER_CANCELED", "message": "bye"}, bridge.ErrUserCanceled, "bye", ""},
		{"plain object with userInfo", map[string]any{"code": "PAYMENT_PENDING", "userInfo": map[string]any{"orderId": "o-1"}}, bridge.ErrPaymentPending, "PAYMENT_PENDING", "o-1"},
		{"plain object __isError false", map[string]any{"code": "NETWORK_ERROR", "__isError": false}, bridge.ErrNetworkError, "NETWORK_ERROR", ""},
		{"Error without __isError", jsErr, bridge.ErrItemAlreadyOwned, "typed", ""},
		{"string code", "USER_CANCELED", bridge.ErrUserCanceled, "USER_CANCELED", ""},
		{"string", "something broke", bridge.ErrUnknown, "something broke", ""},
		{"undefined", js.Undefined(), bridge.ErrUnknown, "undefined", ""},
		{"null", js.Null(), bridge.ErrUnknown, "null", ""},
		{"number", 42, bridge.ErrUnknown, "non-error", ""},
		{"empty object", map[string]any{}, bridge.ErrUnknown, "object", ""},
		{"unknown code", map[string]any{"code": "E_WEIRD", "message": "odd"}, bridge.ErrUnknown, "E_WEIRD: odd", ""},
		{"client code from the app", map[string]any{"code": "CLOSED", "message": "no"}, bridge.ErrUnknown, "CLOSED", ""},
		{"code of the wrong type", map[string]any{"code": 7, "userInfo": "x"}, bridge.ErrUnknown, "", ""},
		{"userInfo orderId of the wrong type", map[string]any{"code": "INTERNAL_ERROR", "userInfo": map[string]any{"orderId": 12}}, bridge.ErrInternalError, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			done := e.purchase(context.Background(), "coin_100", grantTrue)
			require.NoError(t, e.next().EmitError(tt.payload))
			be := asError(t, e.outcome(done).err, tt.code)
			assert.NotEmpty(t, be.Message)
			assert.Contains(t, be.Message, tt.msg)
			assert.Equal(t, tt.orderID, be.OrderID)
		})
	}
}

func TestGrantFalse(t *testing.T) {
	e := newEnv(t)
	g := &grants{ok: false}
	done := e.purchase(context.Background(), "coin_100", g.grant)
	granted, err := e.next().Pay("order-4", bridgetest.ResultFor("order-4", "coin_100"))
	require.NoError(t, err)
	assert.False(t, granted)
	be := asError(t, e.outcome(done).err, bridge.ErrProductNotGrantedByPartner)
	assert.Equal(t, "order-4", be.OrderID)
	assert.Equal(t, []string{"order-4"}, g.orders())
}

// A grant that fails in any way is answered false to the SDK, never a
// rejection (which the SDK would lose, leaving the purchase hanging).
func TestGrantFailuresAnswerFalse(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	tests := []struct {
		name   string
		grant  bridge.GrantFunc
		opts   []bridge.Option
		panics int
	}{
		{"error", func(context.Context, string) (bool, error) { return true, errors.New("db down") }, nil, 0},
		{"panic", func(context.Context, string) (bool, error) { panic("grant bug") }, nil, 1},
		{"panic with error", func(context.Context, string) (bool, error) { panic(errors.New("grant bug")) }, nil, 1},
		{"timeout", func(ctx context.Context, _ string) (bool, error) {
			<-release // ignores ctx: the answer must not wait for it
			return true, nil
		}, []bridge.Option{bridge.WithGrantTimeout(30 * time.Millisecond)}, 0},
		{"timeout honouring ctx", func(ctx context.Context, _ string) (bool, error) {
			<-ctx.Done()
			return true, nil
		}, []bridge.Option{bridge.WithGrantTimeout(30 * time.Millisecond)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.opts...)
			e.panics = tt.panics
			done := e.purchase(context.Background(), "coin_100", tt.grant)
			start := time.Now()
			granted, err := e.next().Purchased("order-5")
			require.NoError(t, err, "the grant resolved with a boolean")
			assert.False(t, granted)
			assert.Less(t, time.Since(start), 2*time.Second)
			be := asError(t, e.outcome(done).err, bridge.ErrProductNotGrantedByPartner)
			assert.Equal(t, "order-5", be.OrderID)
		})
	}
}

func TestGrantTimeoutPerPurchase(t *testing.T) {
	e := newEnv(t) // the client's default is 25 s
	cb := newCallbacks()
	o := cb.options("coin_100", func(ctx context.Context, _ string) (bool, error) {
		<-ctx.Done()
		return false, ctx.Err()
	})
	o.GrantTimeout = 20 * time.Millisecond
	_, err := e.c.CreateOneTimePurchaseOrder(o)
	require.NoError(t, err)
	granted, err := e.next().Purchased("order-6")
	require.NoError(t, err)
	assert.False(t, granted)
	asError(t, cb.wantError(t), bridge.ErrProductNotGrantedByPartner)
}

func TestRepeatedPurchasedGrantsOnce(t *testing.T) {
	e := newEnv(t)
	g := &grants{ok: true, gate: make(chan struct{}), began: make(chan string, 4)}
	done := e.purchase(context.Background(), "coin_100", g.grant)
	co := e.next()

	answers := make(chan bool, 3)
	for range 2 {
		go func() {
			granted, err := co.Purchased("order-7")
			assert.NoError(t, err)
			answers <- granted
		}()
	}
	assert.Equal(t, "order-7", <-g.began)
	time.Sleep(10 * time.Millisecond) // let the second purchased event arrive while the grant runs
	assert.Equal(t, 2, e.c.Stats().InFlight, "the purchase and one grant")
	close(g.gate)
	assert.True(t, <-answers)
	assert.True(t, <-answers)
	// Raw, and once more after the grant finished.
	require.NoError(t, co.Emit(map[string]any{"type": "purchased", "data": map[string]any{"orderId": "order-7"}}))
	granted, err := co.Purchased("order-7")
	require.NoError(t, err)
	assert.True(t, granted)
	assert.Equal(t, []string{"order-7"}, g.orders(), "the grant ran once")

	require.NoError(t, co.Succeed(bridgetest.ResultFor("order-7", "coin_100")))
	o := e.outcome(done)
	require.NoError(t, o.err)
	assert.Equal(t, "order-7", o.res.OrderID)
}

func TestSecondPurchaseInProgress(t *testing.T) {
	e := newEnv(t)
	done := e.purchase(context.Background(), "coin_100", grantTrue)
	co := e.next()
	assert.Equal(t, 1, e.sdk.Posted())

	_, err := e.c.Purchase(context.Background(), "coin_200", grantTrue)
	asError(t, err, bridge.ErrPurchaseInProgress)
	cb := newCallbacks()
	_, err = e.c.CreateOneTimePurchaseOrder(cb.options("coin_200", grantTrue))
	asError(t, err, bridge.ErrPurchaseInProgress)
	assert.Equal(t, 1, e.sdk.Posted(), "nothing more was posted")
	assert.Equal(t, 1, e.sdk.Open())

	_, err = co.Pay("order-8", bridgetest.ResultFor("order-8", "coin_100"))
	require.NoError(t, err)
	require.NoError(t, e.outcome(done).err)

	// Settled: the next purchase may start.
	done = e.purchase(context.Background(), "coin_200", grantTrue)
	_, err = e.next().Pay("order-9", bridgetest.ResultFor("order-9", "coin_200"))
	require.NoError(t, err)
	require.NoError(t, e.outcome(done).err)
	assert.Equal(t, 2, e.sdk.Posted())
}

func TestInvalidSKU(t *testing.T) {
	skus := map[string]string{
		"empty":              "",
		"too long":           strings.Repeat("a", bridge.MaxSKULength+1),
		"invalid UTF-8":      "coin\xff",
		"space":              "coin 100",
		"leading space":      " coin",
		"tab":                "coin\t100",
		"newline":            "coin\n",
		"NUL":                "coin\x00",
		"DEL":                "coin\x7f",
		"C1 control":         "coin\u0085",
		"no-break space":     "coin\u00a0",
		"ideographic space":  "coin\u3000",
		"line separator":     "coin\u2028",
		"byte order mark":    "\ufeffcoin",
		"zero-width space":   "co\u200bin",
		"only whitespace":    "   ",
		"truncated rune":     "코\xec\x9d",
		"surrogate in UTF-8": "coin\xed\xa0\x80",
	}
	e := newEnv(t)
	for name, sku := range skus {
		_, err := e.c.Purchase(context.Background(), sku, grantTrue)
		be := asError(t, err, bridge.ErrInvalidSKU)
		assert.NotEmpty(t, be.Message, name)
		cb := newCallbacks()
		cleanup, err := e.c.CreateOneTimePurchaseOrder(cb.options(sku, grantTrue))
		asError(t, err, bridge.ErrInvalidSKU)
		assert.Nil(t, cleanup, name)
	}
	e.noCheckout()

	// The longest SKU is fine.
	done := e.purchase(context.Background(), strings.Repeat("a", bridge.MaxSKULength), grantTrue)
	co := e.next()
	assert.Len(t, co.SKU(), bridge.MaxSKULength)
	require.NoError(t, co.Fail(bridge.ErrUserCanceled, "", ""))
	asError(t, e.outcome(done).err, bridge.ErrUserCanceled)
}

func TestMissingGrant(t *testing.T) {
	e := newEnv(t)
	_, err := e.c.CreateOneTimePurchaseOrder(bridge.OneTimePurchaseOptions{SKU: "coin_100"})
	require.Error(t, err)
	e.noCheckout()
}

func TestAppTooOld(t *testing.T) {
	for _, app := range [][3]string{
		{"5.218.9", "ios", "toss"},
		{"5.218.99", "android", "toss"},
		{"5.200.0", "android", "toss"},
		{"4.999.0", "ios", "toss"},
		{"5.219.0-beta", "ios", "toss"}, // a pre-release sorts before its release
	} {
		t.Run(strings.Join(app[:], " "), func(t *testing.T) {
			e := newEnv(t)
			e.sdk.SetApp(app[0], app[1], app[2])
			_, err := e.c.Purchase(context.Background(), "coin_100", grantTrue)
			be := asError(t, err, bridge.ErrUnsupportedAppVersion)
			assert.Contains(t, be.Message, "5.219.0")
			e.noCheckout()
		})
	}
}

// The trap the client closes: at this version the SDK itself returns a
// no-op and posts nothing, so a purchase would silently never happen.
func TestFakeSDKIsNoOpBelow5219(t *testing.T) {
	sdk := bridgetest.NewSDK()
	defer sdk.Close()
	sdk.SetApp("5.218.0", "ios", "toss")
	create := safejs.Unsafe(sdk.Value()).Get("IAP").Get("createOneTimePurchaseOrder")
	cleanup := create.Invoke(map[string]any{"options": map[string]any{"sku": "coin_100"}})
	assert.Equal(t, js.TypeFunction, cleanup.Type())
	cleanup.Invoke()
	assert.Equal(t, 0, sdk.Posted())
	assert.Equal(t, 0, sdk.Open())
}

func TestSandboxOldVersion(t *testing.T) {
	e := newEnv(t)
	e.sdk.SetApp("5.0.0", "android", "sandbox")
	done := e.purchase(context.Background(), "coin_100", grantTrue)
	co := e.next()
	assert.False(t, co.Legacy(), "the sandbox passes every gate, the grant report's too")
	_, err := co.Pay("order-10", bridgetest.ResultFor("order-10", "coin_100"))
	require.NoError(t, err)
	require.NoError(t, e.outcome(done).err)
}

func TestMalformedSuccess(t *testing.T) {
	t.Run("granted: resolves with the order id", func(t *testing.T) {
		e := newEnv(t)
		done := e.purchase(context.Background(), "coin_100", grantTrue)
		co := e.next()
		_, err := co.Purchased("order-10")
		require.NoError(t, err)
		require.NoError(t, co.Emit(map[string]any{"type": "success", "data": map[string]any{"orderId": "order-10", "amount": "1000"}}))
		o := e.outcome(done)
		require.NoError(t, o.err)
		assert.Equal(t, bridge.Result{OrderID: "order-10", Incomplete: true}, o.res)
	})
	// A grant that answers false, with the success data sent while it runs.
	refusedWith := func(t *testing.T, orderID string, ev map[string]any) *bridge.Error {
		e := newEnv(t)
		called, release := make(chan struct{}), make(chan struct{})
		done := e.purchase(context.Background(), "coin_100", func(context.Context, string) (bool, error) {
			close(called)
			<-release
			return false, nil
		})
		co := e.next()
		go func() { _, _ = co.Purchased(orderID) }()
		<-called
		require.NoError(t, co.Emit(ev))
		close(release)
		return asError(t, e.outcome(done).err, bridge.ErrInvalidResponse)
	}
	t.Run("wrong field type, grant refused", func(t *testing.T) {
		data := map[string]any{"orderId": "order-11", "displayName": "Coins", "displayAmount": "1,000원",
			"amount": "1000", "currency": "KRW", "fraction": 0}
		be := refusedWith(t, "order-11", map[string]any{"type": "success", "data": data})
		assert.Equal(t, "order-11", be.OrderID)
		var de *wasm.DecodeError
		require.ErrorAs(t, be, &de)
		assert.Equal(t, "data.amount", de.Path)
	})
	t.Run("no data, grant refused", func(t *testing.T) {
		be := refusedWith(t, "order-12", map[string]any{"type": "success"})
		assert.Equal(t, "order-12", be.OrderID, "the order known from the flow")
	})
	t.Run("success for an order never granted", func(t *testing.T) {
		e := newEnv(t)
		done := e.purchase(context.Background(), "coin_100", grantTrue)
		require.NoError(t, e.next().Succeed(bridgetest.ResultFor("order-13", "coin_100")))
		be := asError(t, e.outcome(done).err, bridge.ErrInvalidResponse)
		assert.Equal(t, "order-13", be.OrderID)
	})
	for _, ok := range []bool{true, false} {
		// A misbehaving app sends success while the grant still runs: the
		// client waits for the grant's answer before it believes it.
		t.Run("success while the grant runs, grant "+map[bool]string{true: "true", false: "false"}[ok], func(t *testing.T) {
			e := newEnv(t)
			g := &grants{ok: ok, gate: make(chan struct{}), began: make(chan string, 1)}
			done := e.purchase(context.Background(), "coin_100", g.grant)
			co := e.next()
			answered := make(chan struct{})
			go func() {
				defer close(answered)
				_, err := co.Purchased("order-20")
				assert.NoError(t, err)
			}()
			<-g.began
			require.NoError(t, co.Succeed(bridgetest.ResultFor("order-20", "coin_100")))
			select {
			case o := <-done:
				t.Fatalf("settled before the grant answered: %+v", o)
			case <-time.After(20 * time.Millisecond):
			}
			close(g.gate)
			o := e.outcome(done)
			if ok {
				require.NoError(t, o.err)
				assert.Equal(t, "order-20", o.res.OrderID)
			} else {
				assert.Equal(t, "order-20", asError(t, o.err, bridge.ErrProductNotGrantedByPartner).OrderID)
			}
			<-answered
		})
	}
	t.Run("other events and junk are ignored", func(t *testing.T) {
		e := newEnv(t)
		done := e.purchase(context.Background(), "coin_100", grantTrue)
		co := e.next()
		for _, ev := range []any{
			map[string]any{"type": "progress"},
			map[string]any{},
			"success",
			42,
			js.Null(), // the SDK throws on these before onEvent
			js.Undefined(),
			map[string]any{"type": "purchased"}, // no data: the SDK throws
		} {
			_ = co.Emit(ev)
		}
		select {
		case o := <-done:
			t.Fatalf("settled on junk: %+v %v", o, o.err)
		case <-time.After(20 * time.Millisecond):
		}
		_, err := co.Pay("order-14", bridgetest.ResultFor("order-14", "coin_100"))
		require.NoError(t, err)
		require.NoError(t, e.outcome(done).err)
	})
}

// A purchased event without a usable order id has nothing to grant: the
// client answers false without calling the grant, and the app reports the
// order not granted.
func TestPurchasedWithoutOrderID(t *testing.T) {
	for name, data := range map[string]any{
		"no orderId":         map[string]any{},
		"orderId a number":   map[string]any{"orderId": 5},
		"orderId empty":      map[string]any{"orderId": ""},
		"data not an object": "order-1",
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			g := &grants{ok: true}
			done := e.purchase(context.Background(), "coin_100", g.grant)
			err := e.next().Emit(map[string]any{"type": "purchased", "data": data})
			require.NoError(t, err)
			asError(t, e.outcome(done).err, bridge.ErrProductNotGrantedByPartner)
			assert.Empty(t, g.orders())
		})
	}
}

func TestPurchaseCancelled(t *testing.T) {
	t.Run("before it starts", func(t *testing.T) {
		e := newEnv(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := e.c.Purchase(ctx, "coin_100", grantTrue)
		asError(t, err, bridge.ErrAborted)
		assert.ErrorIs(t, err, context.Canceled)
		e.noCheckout()
	})
	t.Run("while the app shows the checkout", func(t *testing.T) {
		e := newEnv(t)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		done := e.purchase(ctx, "coin_100", grantTrue)
		co := e.next()
		be := asError(t, e.outcome(done).err, bridge.ErrAborted)
		assert.ErrorIs(t, be, context.DeadlineExceeded)
		assert.Empty(t, be.OrderID)
		assert.True(t, co.CleanedUp())
		assert.Equal(t, 0, e.sdk.Open())
	})
	t.Run("during the grant", func(t *testing.T) {
		e := newEnv(t)
		g := &grants{ok: true, gate: make(chan struct{}), began: make(chan string, 1)}
		ctx, cancel := context.WithCancel(context.Background())
		done := e.purchase(ctx, "coin_100", g.grant)
		co := e.next()
		answer := make(chan bool, 1)
		go func() {
			granted, err := co.Purchased("order-15")
			assert.NoError(t, err)
			answer <- granted
		}()
		<-g.began
		cancel()
		be := asError(t, e.outcome(done).err, bridge.ErrAborted)
		assert.ErrorIs(t, be, context.Canceled)
		assert.Equal(t, "order-15", be.OrderID, "money may have moved: the order is named")
		assert.True(t, co.CleanedUp())
		assert.Equal(t, 1, e.c.Stats().InFlight, "the grant still runs")

		close(g.gate)
		select {
		case granted := <-answer:
			assert.True(t, granted, "the grant's answer still reached the app")
		case <-time.After(wait):
			t.Fatal("the grant was never answered to the SDK")
		}
		assert.Equal(t, []string{"order-15"}, g.orders())
	})
}

func TestSDKUnavailable(t *testing.T) {
	fake := bridgetest.NewSDK()
	defer fake.Close()
	isMin := safejs.Unsafe(fake.Value()).Get("isMinVersionSupported")
	create := jsFunc("", "return () => {}").Invoke()
	tests := []struct {
		name   string
		sdk    js.Value
		panics int
	}{
		{"undefined", js.Undefined(), 0},
		{"null", js.Null(), 0},
		{"string", js.ValueOf("@apps-in-toss/web-framework"), 0},
		{"no IAP", js.ValueOf(map[string]any{"isMinVersionSupported": isMin}), 0},
		{"IAP not an object", js.ValueOf(map[string]any{"IAP": "x", "isMinVersionSupported": isMin}), 0},
		{"no createOneTimePurchaseOrder", js.ValueOf(map[string]any{"IAP": map[string]any{}, "isMinVersionSupported": isMin}), 0},
		{"no isMinVersionSupported", js.ValueOf(map[string]any{"IAP": map[string]any{"createOneTimePurchaseOrder": create}}), 0},
		{"isMinVersionSupported throws", js.ValueOf(map[string]any{
			"IAP":                   map[string]any{"createOneTimePurchaseOrder": create},
			"isMinVersionSupported": jsFunc("", "throw new Error('getTossAppVersion is not a constant handler')"),
		}), 0}, // a JS throw is an error, not a panic
		{"createOneTimePurchaseOrder throws", js.ValueOf(map[string]any{
			"IAP":                   map[string]any{"createOneTimePurchaseOrder": jsFunc("", "throw new Error('ReactNativeWebView is not available')")},
			"isMinVersionSupported": isMin,
		}), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			panics := wasm.Panics()
			c, err := bridge.New(safejs.Safe(tt.sdk))
			require.NoError(t, err, "New accepts any namespace")
			_, err = c.Purchase(context.Background(), "coin_100", grantTrue)
			asError(t, err, bridge.ErrSDKUnavailable)
			s := c.Stats()
			assert.Equal(t, [2]int{0, 0}, [2]int{s.InFlight, s.LiveCallbacks})
			require.NoError(t, c.Close())
			<-c.Done()
			assert.Equal(t, panics+tt.panics, wasm.Panics())
		})
	}
}

func TestClose(t *testing.T) {
	e := newEnv(t)
	g := &grants{ok: true, gate: make(chan struct{}), began: make(chan string, 1)}
	done := e.purchase(context.Background(), "coin_100", g.grant)
	co := e.next()
	answer := make(chan bool, 1)
	go func() {
		granted, err := co.Purchased("order-16")
		assert.NoError(t, err)
		answer <- granted
	}()
	<-g.began

	require.NoError(t, e.c.Close())
	be := asError(t, e.outcome(done).err, bridge.ErrClosed)
	assert.Equal(t, "order-16", be.OrderID)
	assert.True(t, co.CleanedUp())
	require.NoError(t, e.c.Close(), "idempotent")

	_, err := e.c.Purchase(context.Background(), "coin_100", grantTrue)
	asError(t, err, bridge.ErrClosed)
	cb := newCallbacks()
	_, err = e.c.CreateOneTimePurchaseOrder(cb.options("coin_100", grantTrue))
	asError(t, err, bridge.ErrClosed)
	assert.Equal(t, 1, e.sdk.Posted())

	close(g.gate)
	select {
	case granted := <-answer:
		assert.True(t, granted, "a grant that started before Close is still reported")
	case <-time.After(wait):
		t.Fatal("the grant was never answered to the SDK")
	}
}
