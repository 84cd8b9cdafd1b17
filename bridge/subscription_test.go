//go:build js && wasm

package bridge_test

import (
	"context"
	"sync"
	"syscall/js"
	"testing"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/bridge/bridgetest"
)

// subGrants is a SubscriptionGrantFunc that records what it was given.
type subGrants struct {
	mu    sync.Mutex
	calls [][2]string // orderID, subscriptionID
	ok    bool
}

func (g *subGrants) grant(_ context.Context, orderID, subscriptionID string) (bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls = append(g.calls, [2]string{orderID, subscriptionID})
	return g.ok, nil
}

func (g *subGrants) got() [][2]string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([][2]string(nil), g.calls...)
}

// subscribe runs Subscribe in a goroutine, so the test can play the app.
func (e *env) subscribe(ctx context.Context, sku, offerID string, grant bridge.SubscriptionGrantFunc) <-chan outcome {
	ch := make(chan outcome, 1)
	go func() {
		res, err := e.c.Subscribe(ctx, sku, offerID, grant)
		ch <- outcome{res, err}
	}()
	return ch
}

func TestSubscribeWithOffer(t *testing.T) {
	e := newEnv(t)
	g := &subGrants{ok: true}
	done := e.subscribe(background, "premium_monthly", "new_50", g.grant)
	co := e.next()
	assert.True(t, co.Subscription())
	assert.False(t, co.Legacy())
	assert.Equal(t, "premium_monthly", co.SKU())
	assert.Equal(t, "new_50", co.OfferID())
	assert.Equal(t, "sub-1", co.SubscriptionID())

	granted, err := co.Pay("s-1", bridgetest.ResultFor("", "premium_monthly"))
	require.NoError(t, err)
	assert.True(t, granted)
	o := e.outcome(done)
	require.NoError(t, o.err)
	assert.Equal(t, bridgetest.ResultFor("s-1", "premium_monthly"), o.res)
	assert.Equal(t, [][2]string{{"s-1", "sub-1"}}, g.got(), "the grant gets the subscription id")
	assert.True(t, co.CleanedUp())
	assert.Equal(t, 0, e.sdk.Open())

	stored, ok := e.sdk.Order("s-1")
	require.True(t, ok)
	assert.Equal(t, bridge.Completed, stored.Status)
	assert.Equal(t, "sub-1", stored.SubscriptionID)

	info, err := e.c.SubscriptionInfo(background, "s-1")
	require.NoError(t, err)
	assert.Equal(t, "ACTIVE", info.Status)
	assert.True(t, info.IsAccessible)
}

func TestSubscribeWithoutOffer(t *testing.T) {
	e := newEnv(t)
	g := &subGrants{ok: true}
	done := e.subscribe(background, "premium_monthly", "", g.grant)
	co := e.next()
	assert.Equal(t, "", co.OfferID(), "no offer: null")
	_, err := co.Pay("s-1", bridgetest.ResultFor("", "premium_monthly"))
	require.NoError(t, err)
	require.NoError(t, e.outcome(done).err)

	// A second subscription gets its own id.
	done = e.subscribe(background, "premium_yearly", "", g.grant)
	co = e.next()
	assert.Equal(t, "sub-2", co.SubscriptionID())
	_, err = co.Pay("s-2", bridgetest.ResultFor("", "premium_yearly"))
	require.NoError(t, err)
	require.NoError(t, e.outcome(done).err)
	assert.Equal(t, [][2]string{{"s-1", "sub-1"}, {"s-2", "sub-2"}}, g.got())
}

// An app that sends no subscriptionId: the grant gets "".
func TestSubscribeWithoutSubscriptionID(t *testing.T) {
	e := newEnv(t)
	g := &subGrants{ok: true}
	done := e.subscribe(background, "premium_monthly", "", g.grant)
	co := e.next()
	require.NoError(t, co.Emit(map[string]any{"type": "purchased", "data": map[string]any{"orderId": "s-1"}}))
	require.NoError(t, co.Succeed(bridgetest.ResultFor("s-1", "premium_monthly")))
	require.NoError(t, e.outcome(done).err)
	assert.Equal(t, [][2]string{{"s-1", ""}}, g.got())
}

func TestSubscribeNotGranted(t *testing.T) {
	e := newEnv(t)
	done := e.subscribe(background, "premium_monthly", "trial_7d", (&subGrants{ok: false}).grant)
	granted, err := e.next().Pay("s-1", bridgetest.ResultFor("", "premium_monthly"))
	require.NoError(t, err)
	assert.False(t, granted)
	be := asError(t, e.outcome(done).err, bridge.ErrProductNotGrantedByPartner)
	assert.Equal(t, "s-1", be.OrderID)

	// The order is pending; a recovery grants it (without the
	// subscription id, which getPendingOrders does not carry).
	stored, _ := e.sdk.Order("s-1")
	assert.Equal(t, bridgetest.Pending, stored.Status)
	r := &recoveries{}
	rec, err := e.c.Recover(background, r.grant)
	require.NoError(t, err)
	assert.Equal(t, []string{"s-1"}, rec.Granted)
	assert.Equal(t, "premium_monthly", r.calls[0].SKU)
}

func TestCreateSubscriptionPurchaseOrder(t *testing.T) {
	e := newEnv(t)
	success := make(chan bridge.Result, 1)
	fail := make(chan *bridge.Error, 1)
	g := &subGrants{ok: true}
	cleanup, err := e.c.CreateSubscriptionPurchaseOrder(bridge.SubscriptionPurchaseOptions{
		SKU: "premium_monthly", OfferID: "back_30", Grant: g.grant,
		OnSuccess: func(r bridge.Result) { success <- r },
		OnError:   func(e *bridge.Error) { fail <- e },
	})
	require.NoError(t, err)
	defer cleanup()
	assert.Equal(t, 1, e.c.Stats().InFlight)
	co := e.next()
	assert.Equal(t, "back_30", co.OfferID())
	require.NoError(t, co.Fail(bridge.ErrUserCanceled, "", ""))
	select {
	case be := <-fail:
		asError(t, be, bridge.ErrUserCanceled)
	case r := <-success:
		t.Fatalf("success %+v", r)
	case <-time.After(wait):
		t.Fatal("never settled")
	}
	assert.Empty(t, g.got())
	assert.True(t, co.CleanedUp())
}

func TestSubscribeBelowMinimum(t *testing.T) {
	for _, app := range [][2]string{{"5.247.9", "android"}, {"5.248.9", "ios"}, {"5.240.0", "ios"}} {
		t.Run(app[0]+" "+app[1], func(t *testing.T) {
			e := newEnv(t)
			e.sdk.SetApp(app[0], app[1], "toss")
			_, err := e.c.Subscribe(background, "premium_monthly", "", (&subGrants{ok: true}).grant)
			be := asError(t, err, bridge.ErrUnsupportedAppVersion)
			assert.Contains(t, be.Message, "5.248.0")
			e.noCheckout()
		})
	}
	t.Run("at the minimum", func(t *testing.T) {
		for _, app := range [][2]string{{"5.248.0", "android"}, {"5.249.0", "ios"}, {"5.0.0", "sandbox"}} {
			e := newEnv(t)
			env := "toss"
			if app[1] == "sandbox" {
				env = "sandbox"
			}
			e.sdk.SetApp(app[0], app[1], env)
			done := e.subscribe(background, "premium_monthly", "", (&subGrants{ok: true}).grant)
			_, err := e.next().Pay("s-1", bridgetest.ResultFor("", "premium_monthly"))
			require.NoError(t, err)
			require.NoError(t, e.outcome(done).err, app)
		}
	})
}

// The trap the client's own check closes: past a version check that lets
// an old app through, the SDK's createSubscriptionPurchaseOrder is a no-op
// that opens nothing, and the subscription silently never happens (here
// until the context ends).
func TestSubscribeNoOpBelowMinimum(t *testing.T) {
	e := newEnv(t)
	e.sdk.SetApp("5.248.9", "ios", "toss")
	ns := js.ValueOf(map[string]any{
		"IAP":                   safejs.Unsafe(e.sdk.Value()).Get("IAP"),
		"isMinVersionSupported": jsFunc("", "return true"),
	})
	c, err := bridge.New(safejs.Safe(ns))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(background, 30*time.Millisecond)
	defer cancel()
	_, err = c.Subscribe(ctx, "premium_monthly", "", (&subGrants{ok: true}).grant)
	asError(t, err, bridge.ErrAborted)
	e.noCheckout()
	require.NoError(t, c.Close())
	<-c.Done()
}

func TestSubscribeOnePurchaseAtATime(t *testing.T) {
	e := newEnv(t)
	done := e.purchase(background, "coin_100", grantTrue)
	co := e.next()
	_, err := e.c.Subscribe(background, "premium_monthly", "", (&subGrants{ok: true}).grant)
	asError(t, err, bridge.ErrPurchaseInProgress)
	_, err = co.Pay("o-1", bridgetest.ResultFor("", "coin_100"))
	require.NoError(t, err)
	require.NoError(t, e.outcome(done).err)

	sub := e.subscribe(background, "premium_monthly", "", (&subGrants{ok: true}).grant)
	co = e.next()
	_, err = e.c.Purchase(background, "coin_100", grantTrue)
	asError(t, err, bridge.ErrPurchaseInProgress)
	_, err = co.Pay("s-1", bridgetest.ResultFor("", "premium_monthly"))
	require.NoError(t, err)
	require.NoError(t, e.outcome(sub).err)
	assert.Equal(t, 2, e.sdk.Posted())
}

func TestSubscribeCancelled(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(background, 30*time.Millisecond)
	defer cancel()
	g := &subGrants{ok: true}
	done := e.subscribe(ctx, "premium_monthly", "", g.grant)
	co := e.next()
	be := asError(t, e.outcome(done).err, bridge.ErrAborted)
	assert.ErrorIs(t, be, context.DeadlineExceeded)
	assert.True(t, co.CleanedUp())
	_, err := co.Pay("s-1", bridgetest.ResultFor("", "premium_monthly"))
	assert.ErrorIs(t, err, bridgetest.ErrDropped)
	assert.Empty(t, g.got())
}

func TestSubscribeInvalid(t *testing.T) {
	e := newEnv(t)
	_, err := e.c.Subscribe(background, "", "", (&subGrants{ok: true}).grant)
	asError(t, err, bridge.ErrInvalidSKU)
	_, err = e.c.Subscribe(background, "premium_monthly", "", nil)
	require.Error(t, err)
	e.noCheckout()
}
