//go:build js && wasm

package bridgetest_test

import (
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

// These tests drive the fake from JS, as a page would drive the real SDK,
// to check it behaves as the SDK does without the bridge in between.

// jsFunc compiles a JS function for a test; tests may eval, the library never does.
func jsFunc(params, body string) js.Value {
	return js.Global().Get("Function").New(params, body)
}

func newSDK(t *testing.T) *bridgetest.SDK {
	t.Helper()
	panics := wasm.Panics()
	sdk := bridgetest.NewSDK()
	t.Cleanup(func() {
		sdk.Close()
		assert.Equal(t, panics, wasm.Panics(), "recovered panics")
	})
	return sdk
}

// page is what a page hands the SDK, with a log of what the SDK called.
type page struct {
	log     js.Value // [kind, value] pairs
	cleanup js.Value
}

// open calls IAP.createOneTimePurchaseOrder with a processProductGrant
// that logs its argument and returns answer(arg).
func open(t *testing.T, sdk *bridgetest.SDK, options map[string]any, answer string) *page {
	t.Helper()
	p := &page{log: js.Global().Get("Array").New()}
	options["processProductGrant"] = jsFunc("log", "return (arg) => { log.push(['grant', arg]); return ("+answer+")(arg) }").Invoke(p.log)
	params := map[string]any{
		"options": options,
		"onEvent": jsFunc("log", "return (e) => { log.push(['event', e]) }").Invoke(p.log),
		"onError": jsFunc("log", "return (e) => { log.push(['error', e]) }").Invoke(p.log),
	}
	iap := safejs.Unsafe(sdk.Value()).Get("IAP")
	p.cleanup = iap.Call("createOneTimePurchaseOrder", params)
	require.Equal(t, js.TypeFunction, p.cleanup.Type(), "createOneTimePurchaseOrder returns a cleanup")
	return p
}

// entries is the log as kinds, with the values.
func (p *page) entries() ([]string, []js.Value) {
	var kinds []string
	var values []js.Value
	for i := range p.log.Length() {
		kinds = append(kinds, p.log.Index(i).Index(0).String())
		values = append(values, p.log.Index(i).Index(1))
	}
	return kinds, values
}

func next(t *testing.T, sdk *bridgetest.SDK) *bridgetest.Checkout {
	t.Helper()
	select {
	case co := <-sdk.Checkouts():
		require.NotNil(t, co)
		return co
	case <-time.After(5 * time.Second):
		t.Fatal("no checkout")
		return nil
	}
}

func TestIsMinVersionSupported(t *testing.T) {
	sdk := newSDK(t)
	isMin := safejs.Unsafe(sdk.Value()).Get("isMinVersionSupported")
	gate := map[string]any{"android": "5.231.1", "ios": "5.230.0"}
	check := func(min any) bool { return isMin.Invoke(min).Bool() }

	assert.True(t, check(gate), "the default app is 5.250.0 on ios")
	sdk.SetApp("5.230.0", "ios", "toss")
	assert.True(t, check(gate))
	sdk.SetApp("5.230.0", "android", "toss")
	assert.False(t, check(gate))
	sdk.SetApp("5.231.1", "android", "toss")
	assert.True(t, check(gate))
	assert.False(t, check(map[string]any{"ios": "1.0.0"}), "no android minimum")
	assert.True(t, check(map[string]any{"android": "always"}))
	assert.False(t, check(map[string]any{"android": "never"}))
	assert.False(t, check(map[string]any{"android": 5}), "where the SDK throws, false")
	assert.False(t, check(js.Undefined()))
	sdk.SetApp("1.0.0", "android", "sandbox")
	assert.True(t, check(gate), "the sandbox passes every gate")
	assert.True(t, check(map[string]any{"android": "never"}))

	assert.Panics(t, func() { sdk.SetApp("five", "ios", "toss") })
	assert.Panics(t, func() { sdk.SetApp("", "ios", "toss") })
}

func TestCurrentPath(t *testing.T) {
	sdk := newSDK(t)
	p := open(t, sdk, map[string]any{"sku": "coin_100"}, "() => Promise.resolve(true)")
	co := next(t, sdk)
	assert.Equal(t, "coin_100", co.SKU())
	assert.False(t, co.Legacy())
	assert.Equal(t, 1, sdk.Posted())
	assert.Equal(t, 1, sdk.Open())

	granted, err := co.Purchased("order-1")
	require.NoError(t, err)
	assert.True(t, granted)
	require.NoError(t, co.Succeed(bridgetest.ResultFor("order-1", "coin_100")))
	kinds, values := p.entries()
	assert.Equal(t, []string{"grant", "event"}, kinds, "purchased goes to the grant, not to onEvent")
	assert.Equal(t, "order-1", values[0].Get("orderId").String())
	assert.Equal(t, "success", values[1].Get("type").String())
	data := values[1].Get("data")
	assert.Equal(t, "order-1", data.Get("orderId").String())
	assert.Equal(t, 1000, data.Get("amount").Int())
	assert.Equal(t, "https://static.toss.im/icons/app.png", data.Get("miniAppIconUrl").String())

	p.cleanup.Invoke()
	p.cleanup.Invoke()
	assert.True(t, co.CleanedUp())
	assert.Equal(t, 0, sdk.Open())
	assert.ErrorIs(t, co.Succeed(bridgetest.ResultFor("order-1", "coin_100")), bridgetest.ErrDropped)
	assert.ErrorIs(t, co.Fail(bridge.ErrNetworkError, "", ""), bridgetest.ErrDropped)
	_, err = co.Purchased("order-1")
	assert.ErrorIs(t, err, bridgetest.ErrDropped)
	kinds, _ = p.entries()
	assert.Len(t, kinds, 2, "nothing after cleanup")
}

func TestProductIDFallback(t *testing.T) {
	sdk := newSDK(t)
	open(t, sdk, map[string]any{"productId": "gem_5"}, "() => true")
	assert.Equal(t, "gem_5", next(t, sdk).SKU())
	open(t, sdk, map[string]any{"sku": nil, "productId": "gem_6"}, "() => true")
	assert.Equal(t, "gem_6", next(t, sdk).SKU())
	open(t, sdk, map[string]any{"sku": "gem_7", "productId": "gem_8"}, "() => true")
	assert.Equal(t, "gem_7", next(t, sdk).SKU())
}

func TestNotGrantedError(t *testing.T) {
	sdk := newSDK(t)
	p := open(t, sdk, map[string]any{"sku": "coin_100"}, "() => Promise.resolve(false)")
	co := next(t, sdk)
	granted, err := co.Pay("order-2", bridgetest.ResultFor("order-2", "coin_100"))
	require.NoError(t, err)
	assert.False(t, granted)
	kinds, values := p.entries()
	require.Equal(t, []string{"grant", "error"}, kinds, "no success after a grant that said false")
	e := values[1]
	assert.True(t, e.InstanceOf(js.Global().Get("Error")), "the SDK rebuilds an Error")
	assert.Equal(t, "PRODUCT_NOT_GRANTED_BY_PARTNER", e.Get("code").String())
	assert.Equal(t, "order-2", e.Get("userInfo").Get("orderId").String())
	assert.Equal(t, "the partner did not grant the product", e.Get("message").String())
	assert.True(t, e.Get("__isError").Bool())
	assert.Equal(t, "IAP", e.Get("moduleName").String())
}

func TestFailShapes(t *testing.T) {
	sdk := newSDK(t)
	p := open(t, sdk, map[string]any{"sku": "coin_100"}, "() => true")
	co := next(t, sdk)
	require.NoError(t, co.Fail(bridge.ErrUserCanceled, "", ""))
	require.NoError(t, co.EmitError(map[string]any{"code": "NETWORK_ERROR"}))
	require.NoError(t, co.EmitError(map[string]any{"code": "INTERNAL_ERROR", "message": "m", "__isError": true}))
	require.NoError(t, co.EmitError("USER_CANCELED"))
	require.NoError(t, co.EmitError(js.Undefined()))
	_, values := p.entries()
	require.Len(t, values, 5)

	assert.True(t, values[0].InstanceOf(js.Global().Get("Error")))
	assert.Equal(t, "USER_CANCELED", values[0].Get("message").String(), "an empty message is the code")
	assert.Equal(t, 0, js.Global().Get("Object").Call("keys", values[0].Get("userInfo")).Length())
	assert.False(t, values[1].InstanceOf(js.Global().Get("Error")), "a plain object passes as it is")
	assert.True(t, values[2].InstanceOf(js.Global().Get("Error")))
	assert.Equal(t, "m", values[2].Get("message").String())
	assert.Equal(t, "USER_CANCELED", values[3].String())
	assert.True(t, values[4].IsUndefined())
}

func TestLostGrants(t *testing.T) {
	for name, answer := range map[string]string{
		"throws":      "() => { throw new Error('grant bug') }",
		"rejects":     "() => Promise.reject(new Error('grant bug'))",
		"not boolean": "() => 'yes'",
		"undefined":   "() => undefined",
	} {
		t.Run(name, func(t *testing.T) {
			sdk := newSDK(t)
			p := open(t, sdk, map[string]any{"sku": "coin_100"}, answer)
			co := next(t, sdk)
			granted, err := co.Pay("order-3", bridgetest.ResultFor("order-3", "coin_100"))
			assert.ErrorIs(t, err, bridgetest.ErrGrantLost)
			assert.False(t, granted)
			kinds, _ := p.entries()
			assert.Equal(t, []string{"grant"}, kinds, "the SDK lost it: the page hears nothing")
		})
	}
}

func TestNoOpBelow5219(t *testing.T) {
	sdk := newSDK(t)
	sdk.SetApp("5.218.9", "android", "toss")
	p := open(t, sdk, map[string]any{"sku": "coin_100"}, "() => true")
	p.cleanup.Invoke()
	assert.Equal(t, 0, sdk.Posted())
	assert.Equal(t, 0, sdk.Open())
	select {
	case co := <-sdk.Checkouts():
		t.Fatalf("a checkout was opened: %v", co.SKU())
	case <-time.After(10 * time.Millisecond):
	}
}

func TestLegacyPath(t *testing.T) {
	t.Run("success whatever the grant said", func(t *testing.T) {
		sdk := newSDK(t)
		sdk.SetApp("5.231.0", "android", "toss")
		p := open(t, sdk, map[string]any{"sku": "coin_100"}, "() => Promise.resolve(false)")
		co := next(t, sdk)
		assert.True(t, co.Legacy())
		_, err := co.Purchased("order-4")
		assert.ErrorIs(t, err, bridgetest.ErrLegacy)

		p.cleanup.Invoke() // a no-op: the SDK still listens
		assert.True(t, co.CleanedUp())
		assert.Equal(t, 1, sdk.Open())

		granted, err := co.Pay("order-4", bridgetest.ResultFor("", "coin_100"))
		require.NoError(t, err)
		assert.False(t, granted)
		kinds, values := p.entries()
		require.Equal(t, []string{"grant", "event"}, kinds)
		assert.Equal(t, "order-4", values[0].Get("orderId").String())
		assert.Equal(t, "success", values[1].Get("type").String())
		assert.Equal(t, "order-4", values[1].Get("data").Get("orderId").String())
		assert.Equal(t, 0, sdk.Open(), "answered")
		assert.ErrorIs(t, co.Succeed(bridgetest.ResultFor("order-4", "coin_100")), bridgetest.ErrDropped, "one answer")
	})
	t.Run("a failed grant goes to onError", func(t *testing.T) {
		for answer, want := range map[string]string{
			"() => { throw 'thrown' }":         "thrown",
			"() => Promise.reject('rejected')": "rejected",
		} {
			sdk := newSDK(t)
			sdk.SetApp("5.229.0", "ios", "toss")
			p := open(t, sdk, map[string]any{"sku": "coin_100"}, answer)
			require.NoError(t, next(t, sdk).Succeed(bridgetest.ResultFor("order-5", "coin_100")))
			kinds, values := p.entries()
			require.Equal(t, []string{"grant", "error"}, kinds, answer)
			assert.Equal(t, want, values[1].String(), "as it was thrown or rejected")
		}
	})
	t.Run("reject", func(t *testing.T) {
		sdk := newSDK(t)
		sdk.SetApp("5.229.0", "ios", "toss")
		p := open(t, sdk, map[string]any{"sku": "coin_100"}, "() => true")
		co := next(t, sdk)
		require.NoError(t, co.Fail(bridge.ErrKoreanAccountOnly, "kr only", ""))
		assert.ErrorIs(t, co.Fail(bridge.ErrKoreanAccountOnly, "kr only", ""), bridgetest.ErrDropped)
		kinds, values := p.entries()
		require.Equal(t, []string{"error"}, kinds)
		assert.Equal(t, "KOREAN_ACCOUNT_ONLY", values[0].Get("code").String())
	})
	t.Run("resolve with nothing", func(t *testing.T) {
		sdk := newSDK(t)
		sdk.SetApp("5.229.0", "ios", "toss")
		p := open(t, sdk, map[string]any{"sku": "coin_100"}, "() => true")
		require.NoError(t, next(t, sdk).Emit(js.Null()))
		kinds, values := p.entries()
		require.Equal(t, []string{"error"}, kinds)
		assert.True(t, values[0].InstanceOf(js.Global().Get("TypeError")))
	})
}

// Emit and EmitError refuse what js.ValueOf cannot take, and send nothing.
func TestEmitUnconvertible(t *testing.T) {
	sdk := newSDK(t)
	p := open(t, sdk, map[string]any{"sku": "coin_100"}, "() => true")
	co := next(t, sdk)
	assert.ErrorContains(t, co.Emit(make(chan int)), "chan int")
	assert.ErrorContains(t, co.EmitError(struct{}{}), "struct {}")
	kinds, _ := p.entries()
	assert.Empty(t, kinds)
}

func TestClose(t *testing.T) {
	sdk := newSDK(t)
	// Answers only after Close (a promise that never settled would keep the
	// fake's dispatcher alive, as it must: JS still holds it).
	open(t, sdk, map[string]any{"sku": "coin_100"}, "() => new Promise((r) => setTimeout(() => r(true), 50))")
	co := next(t, sdk)
	done := make(chan error, 1)
	go func() {
		_, err := co.Purchased("order-6")
		done <- err
	}()
	time.Sleep(5 * time.Millisecond)
	sdk.Close()
	sdk.Close()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, bridgetest.ErrClosed, "a pending grant ends with the SDK")
	case <-time.After(5 * time.Second):
		t.Fatal("Purchased outlived Close")
	}
	assert.ErrorIs(t, co.Succeed(bridgetest.ResultFor("order-6", "coin_100")), bridgetest.ErrClosed)
	_, ok := <-sdk.Checkouts()
	assert.False(t, ok, "Checkouts is closed")
}
