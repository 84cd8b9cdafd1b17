//go:build js && wasm

package bridge_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/bridge/bridgetest"
	"github.com/goiap/goiap/internal/wasm"
)

// recoveries is a RecoveryGrantFunc that records its calls; it refuses
// the orders in refuse, and waits for gate when set.
type recoveries struct {
	mu     sync.Mutex
	calls  []bridge.PendingOrder
	refuse map[string]bool
	gate   chan struct{}
	began  chan string
}

func (r *recoveries) grant(ctx context.Context, o bridge.PendingOrder) (bool, error) {
	r.mu.Lock()
	r.calls = append(r.calls, o)
	refused := r.refuse[o.OrderID]
	r.mu.Unlock()
	if r.began != nil {
		r.began <- o.OrderID
	}
	if r.gate != nil {
		<-r.gate
	}
	return !refused, nil
}

func (r *recoveries) orders() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := []string{}
	for _, o := range r.calls {
		ids = append(ids, o.OrderID)
	}
	return ids
}

// statuses is the store's status of each order.
func (e *env) statuses() map[string]bridge.OrderStatus {
	m := map[string]bridge.OrderStatus{}
	for _, o := range e.sdk.Orders() {
		m[o.OrderID] = o.Status
	}
	return m
}

func (e *env) pending(ids ...string) {
	for _, id := range ids {
		e.sdk.AddOrder(bridgetest.Order{OrderID: id, SKU: "coin_100", PaymentCompletedDate: "2025-09-22T10:00:00"})
	}
}

var none = []bridge.RecoveryFailure{}

func TestRecoverGrantsAndCompletes(t *testing.T) {
	e := newEnv(t)
	e.pending("o-1", "o-2", "o-3")
	e.sdk.AddOrder(bridgetest.Order{OrderID: "o-0", SKU: "coin_100", Status: bridge.Completed})
	r := &recoveries{}

	rec, err := e.c.Recover(background, r.grant)
	require.NoError(t, err)
	assert.Equal(t, bridge.Recovery{Granted: []string{"o-1", "o-2", "o-3"}, Failed: none}, rec)
	assert.Equal(t, bridge.PendingOrder{OrderID: "o-1", SKU: "coin_100", PaymentCompletedDate: "2025-09-22T10:00:00"}, r.calls[0], "the grant gets the whole order")
	assert.Equal(t, map[string]bridge.OrderStatus{"o-0": bridge.Completed, "o-1": bridge.Completed, "o-2": bridge.Completed, "o-3": bridge.Completed}, e.statuses())
	assert.Equal(t, 3, e.sdk.Calls(bridgetest.CompleteProductGrant))

	// Nothing is pending any more: a second recovery does nothing.
	rec, err = e.c.Recover(background, r.grant)
	require.NoError(t, err)
	assert.Equal(t, bridge.Recovery{Granted: []string{}, Failed: none}, rec)
	assert.Equal(t, []string{"o-1", "o-2", "o-3"}, r.orders(), "nothing granted twice")
	assert.Equal(t, 3, e.sdk.Calls(bridgetest.CompleteProductGrant))
	assert.Equal(t, 2, e.sdk.Calls(bridgetest.GetPendingOrders))
}

func TestRecoverNothingPending(t *testing.T) {
	e := newEnv(t)
	r := &recoveries{}
	rec, err := e.c.Recover(background, r.grant)
	require.NoError(t, err)
	assert.Equal(t, bridge.Recovery{Granted: []string{}, Failed: none}, rec)
	assert.Empty(t, r.orders())
	assert.Zero(t, e.sdk.Calls(bridgetest.CompleteProductGrant))
}

func TestRecoverOneRefused(t *testing.T) {
	e := newEnv(t)
	e.pending("o-1", "o-2", "o-3")
	r := &recoveries{refuse: map[string]bool{"o-2": true}}

	rec, err := e.c.Recover(background, r.grant)
	require.NoError(t, err, "a refused order is reported, not an error of the recovery")
	assert.Equal(t, []string{"o-1", "o-3"}, rec.Granted)
	assert.Equal(t, []bridge.RecoveryFailure{{OrderID: "o-2", Code: bridge.ErrProductNotGrantedByPartner}}, rec.Failed)
	assert.Equal(t, map[string]bridge.OrderStatus{"o-1": bridge.Completed, "o-2": bridgetest.Pending, "o-3": bridge.Completed}, e.statuses(),
		"the refused order was not completed: it stays pending")
	assert.Equal(t, 2, e.sdk.Calls(bridgetest.CompleteProductGrant))

	// The next recovery asks about the refused order again, and only it.
	r.refuse = nil
	rec, err = e.c.Recover(background, r.grant)
	require.NoError(t, err)
	assert.Equal(t, bridge.Recovery{Granted: []string{"o-2"}, Failed: none}, rec)
	assert.Equal(t, []string{"o-1", "o-2", "o-3", "o-2"}, r.orders())
	assert.Equal(t, bridge.Completed, e.statuses()["o-2"])
}

func TestRecoverGrantFailures(t *testing.T) {
	e := newEnv(t, bridge.WithGrantTimeout(30*time.Millisecond))
	e.panics = 1
	e.pending("error", "panic", "timeout", "fine")
	release := make(chan struct{})
	defer close(release)
	rec, err := e.c.Recover(background, func(ctx context.Context, o bridge.PendingOrder) (bool, error) {
		switch o.OrderID {
		case "error":
			return true, errors.New("db down")
		case "panic":
			panic("grant bug")
		case "timeout":
			<-release
		}
		return true, nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"fine"}, rec.Granted)
	require.Len(t, rec.Failed, 3)
	for i, id := range []string{"error", "panic", "timeout"} {
		assert.Equal(t, bridge.RecoveryFailure{OrderID: id, Code: bridge.ErrProductNotGrantedByPartner}, rec.Failed[i])
	}
	assert.Equal(t, bridgetest.Pending, e.statuses()["timeout"])
}

// Two recoveries at once: the second joins the first, and every order is
// granted once.
func TestRecoverConcurrent(t *testing.T) {
	e := newEnv(t)
	e.pending("o-1", "o-2", "o-3")
	r := &recoveries{gate: make(chan struct{}), began: make(chan string, 8)}

	type result struct {
		rec bridge.Recovery
		err error
	}
	results := make(chan result, 2)
	run := func() {
		rec, err := e.c.Recover(background, r.grant)
		results <- result{rec, err}
	}
	go run()
	assert.Equal(t, "o-1", <-r.began, "the first recovery is granting")
	go run()
	time.Sleep(20 * time.Millisecond) // the second is waiting for the first
	assert.Equal(t, 1, e.sdk.Calls(bridgetest.GetPendingOrders), "the second did not list the orders again")
	assert.Equal(t, 1, e.c.Stats().InFlight, "one grant runs")
	close(r.gate)

	for range 2 {
		select {
		case res := <-results:
			require.NoError(t, res.err)
			assert.Equal(t, bridge.Recovery{Granted: []string{"o-1", "o-2", "o-3"}, Failed: none}, res.rec, "both get the one result")
		case <-time.After(wait):
			t.Fatal("a recovery never ended")
		}
	}
	assert.Equal(t, []string{"o-1", "o-2", "o-3"}, r.orders(), "each order granted once")
	assert.Equal(t, 3, e.sdk.Calls(bridgetest.CompleteProductGrant))
	assert.Equal(t, 1, e.sdk.Calls(bridgetest.GetPendingOrders))
}

// Recovery needs both getPendingOrders and completeProductGrant: below
// either minimum it fails whole, before it lists or grants anything.
func TestRecoverBelowMinimums(t *testing.T) {
	for _, app := range []struct{ version, os, needs string }{
		{"5.232.9", "ios", "5.233.0"},     // pending orders yes (ios 5.231.0), completing no
		{"5.233.5", "android", "5.234.0"}, // completing yes (5.233.0), pending orders no (android 5.234.0)
		{"5.230.0", "ios", "5.233.0"},     // neither
		{"5.219.0", "android", "5.233.0"}, // neither
	} {
		t.Run(app.version+" "+app.os, func(t *testing.T) {
			e := newEnv(t)
			e.pending("o-1")
			e.sdk.SetApp(app.version, app.os, "toss")
			r := &recoveries{}
			_, err := e.c.Recover(background, r.grant)
			be := asError(t, err, bridge.ErrUnsupportedAppVersion)
			assert.Contains(t, be.Message, app.needs)
			assert.Empty(t, r.orders(), "no grant was called")
			for _, m := range allMethods {
				assert.Zero(t, e.sdk.Calls(m), m)
			}
			assert.Equal(t, bridgetest.Pending, e.statuses()["o-1"])
		})
	}
	t.Run("sandbox", func(t *testing.T) {
		e := newEnv(t)
		e.pending("o-1")
		e.sdk.SetApp("5.219.0", "android", "sandbox")
		rec, err := e.c.Recover(background, (&recoveries{}).grant)
		require.NoError(t, err)
		assert.Equal(t, []string{"o-1"}, rec.Granted)
	})
}

// completeProductGrant failing leaves the order pending; the next
// recovery completes it without asking the partner again, as the grant
// already said true.
func TestRecoverCompleteFails(t *testing.T) {
	e := newEnv(t)
	e.pending("o-1", "o-2")
	e.sdk.Handle(bridgetest.CompleteProductGrant, func(args []safejs.Value) bridgetest.Answer {
		if wasm.JS(args[0]).Get("params").Get("orderId").Str() == "o-1" {
			return bridgetest.Fail(bridge.ErrNetworkError, "offline", "")
		}
		return bridgetest.Default()
	})
	r := &recoveries{}
	rec, err := e.c.Recover(background, r.grant)
	require.NoError(t, err)
	assert.Equal(t, []string{"o-2"}, rec.Granted)
	require.Len(t, rec.Failed, 1)
	f := rec.Failed[0]
	assert.Equal(t, "o-1", f.OrderID)
	assert.Equal(t, bridge.ErrNetworkError, f.Code)
	assert.Equal(t, "o-1", asError(t, f.Err, bridge.ErrNetworkError).OrderID)
	assert.Equal(t, bridgetest.Pending, e.statuses()["o-1"])

	e.sdk.Handle(bridgetest.CompleteProductGrant, nil)
	rec, err = e.c.Recover(background, r.grant)
	require.NoError(t, err)
	assert.Equal(t, bridge.Recovery{Granted: []string{"o-1"}, Failed: none}, rec)
	assert.Equal(t, []string{"o-1", "o-2"}, r.orders(), "o-1 was granted once")
	assert.Equal(t, bridge.Completed, e.statuses()["o-1"])
}

// The case recovery exists for: the user paid, and the purchase failed
// after the money moved. The order is pending in the app, and Recover
// grants it.
func TestRecoverAfterFailedPurchases(t *testing.T) {
	e := newEnv(t)
	// The app fails after payment, naming the order.
	done := e.purchase(background, "coin_100", grantTrue)
	require.NoError(t, e.next().Fail(bridge.ErrTossServerVerificationFailed, "", "o-1"))
	assert.Equal(t, "o-1", asError(t, e.outcome(done).err, bridge.ErrTossServerVerificationFailed).OrderID)
	// The grant server refuses.
	g := &grants{ok: false}
	done = e.purchase(background, "coin_500", g.grant)
	_, err := e.next().Pay("o-2", bridgetest.ResultFor("", "coin_500"))
	require.NoError(t, err)
	assert.Equal(t, "o-2", asError(t, e.outcome(done).err, bridge.ErrProductNotGrantedByPartner).OrderID)
	// The grant works.
	done = e.purchase(background, "coin_100", grantTrue)
	_, err = e.next().Pay("o-3", bridgetest.ResultFor("", "coin_100"))
	require.NoError(t, err)
	require.NoError(t, e.outcome(done).err)

	assert.Equal(t, map[string]bridge.OrderStatus{"o-1": bridgetest.Pending, "o-2": bridgetest.Pending, "o-3": bridge.Completed}, e.statuses())
	r := &recoveries{}
	rec, err := e.c.Recover(background, r.grant)
	require.NoError(t, err)
	assert.Equal(t, bridge.Recovery{Granted: []string{"o-1", "o-2"}, Failed: none}, rec)
	assert.Equal(t, "coin_500", r.calls[1].SKU)
	assert.Equal(t, map[string]bridge.OrderStatus{"o-1": bridge.Completed, "o-2": bridge.Completed, "o-3": bridge.Completed}, e.statuses())
}

// An order whose grant a purchase of this client is running is left to
// the purchase.
func TestRecoverLeavesAPurchasesGrant(t *testing.T) {
	e := newEnv(t)
	g := &grants{ok: true, gate: make(chan struct{}), began: make(chan string, 1)}
	done := e.purchase(background, "coin_100", g.grant)
	co := e.next()
	paid := make(chan error, 1)
	go func() {
		_, err := co.Pay("o-1", bridgetest.ResultFor("", "coin_100"))
		paid <- err
	}()
	<-g.began
	assert.Equal(t, bridgetest.Pending, e.statuses()["o-1"], "paid, not yet granted")

	r := &recoveries{}
	rec, err := e.c.Recover(background, r.grant)
	require.NoError(t, err)
	assert.Equal(t, bridge.Recovery{Granted: []string{}, Failed: []bridge.RecoveryFailure{{OrderID: "o-1", Code: bridge.ErrPurchaseInProgress}}}, rec)
	assert.Empty(t, r.orders())

	close(g.gate)
	require.NoError(t, <-paid)
	require.NoError(t, e.outcome(done).err)
	assert.Equal(t, bridge.Completed, e.statuses()["o-1"])
	rec, err = e.c.Recover(background, r.grant)
	require.NoError(t, err)
	assert.Equal(t, bridge.Recovery{Granted: []string{}, Failed: none}, rec)
	assert.Equal(t, []string{"o-1"}, g.orders(), "granted once, by the purchase")
}

func TestRecoverCancelled(t *testing.T) {
	t.Run("the app never lists the orders", func(t *testing.T) {
		e := newEnv(t)
		e.pending("o-1")
		e.answer(bridgetest.GetPendingOrders, bridgetest.Never())
		ctx, cancel := context.WithTimeout(background, 30*time.Millisecond)
		defer cancel()
		r := &recoveries{}
		start := time.Now()
		_, err := e.c.Recover(ctx, r.grant)
		asError(t, err, bridge.ErrAborted)
		assert.Less(t, time.Since(start), time.Second)
		assert.Empty(t, r.orders())
	})
	t.Run("during a grant", func(t *testing.T) {
		e := newEnv(t)
		e.pending("o-1", "o-2")
		r := &recoveries{gate: make(chan struct{}), began: make(chan string, 4)}
		ctx, cancel := context.WithCancel(background)
		type result struct {
			rec bridge.Recovery
			err error
		}
		results := make(chan result, 1)
		go func() {
			rec, err := e.c.Recover(ctx, r.grant)
			results <- result{rec, err}
		}()
		assert.Equal(t, "o-1", <-r.began)
		cancel()
		var res result
		select {
		case res = <-results:
		case <-time.After(wait):
			t.Fatal("a cancelled recovery waited for its grant")
		}
		be := asError(t, res.err, bridge.ErrAborted)
		assert.ErrorIs(t, be, context.Canceled)
		assert.Equal(t, []string{}, res.rec.Granted)
		require.Len(t, res.rec.Failed, 2, "what it did not finish")
		assert.Equal(t, bridge.ErrAborted, res.rec.Failed[0].Code)
		assert.Equal(t, 1, e.c.Stats().InFlight, "the grant still runs")

		close(r.gate) // the grant says true, after the recovery gave up
		eventually(t, func() bool { return e.c.Stats().InFlight == 0 }, "the grant ended")
		assert.Equal(t, bridgetest.Pending, e.statuses()["o-1"], "not completed: the recovery had stopped")

		rec, err := e.c.Recover(background, r.grant)
		require.NoError(t, err)
		assert.Equal(t, bridge.Recovery{Granted: []string{"o-1", "o-2"}, Failed: none}, rec)
		assert.Equal(t, []string{"o-1", "o-2"}, r.orders(), "o-1 was not granted again")
	})
}

func TestRecoverErrors(t *testing.T) {
	e := newEnv(t)
	e.pending("o-1")
	_, err := e.c.Recover(background, nil)
	require.Error(t, err)

	e.answer(bridgetest.GetPendingOrders, bridgetest.Fail(bridge.ErrNetworkError, "", ""))
	r := &recoveries{}
	_, err = e.c.Recover(background, r.grant)
	asError(t, err, bridge.ErrNetworkError)
	e.answer(bridgetest.GetPendingOrders, bridgetest.Resolve(map[string]any{"orders": []any{map[string]any{"orderId": ""}}}))
	_, err = e.c.Recover(background, r.grant)
	decodeErrorAt(t, err, "result.orders[0].orderId")
	assert.Empty(t, r.orders())

	require.NoError(t, e.c.Close())
	_, err = e.c.Recover(background, r.grant)
	asError(t, err, bridge.ErrClosed)
}
