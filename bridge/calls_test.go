//go:build js && wasm

package bridge_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/bridge/bridgetest"
	"github.com/goiap/goiap/internal/gates"
)

// Tests that hold for every Promise call of the client: version gates,
// cancellation, undefined answers, rejections, and what is left behind.

// promiseCall is one client call that goes through one Promise method of
// the fake.
type promiseCall struct {
	name   string
	method string // the fake's method it calls
	min    gates.MinVersion
	run    func(ctx context.Context, c *bridge.Client) error
}

var promiseCalls = []promiseCall{
	{"Products", bridgetest.GetProductItemList, gates.ProductList, func(ctx context.Context, c *bridge.Client) error {
		_, err := c.Products(ctx)
		return err
	}},
	{"PendingOrders", bridgetest.GetPendingOrders, gates.PendingOrders, func(ctx context.Context, c *bridge.Client) error {
		_, err := c.PendingOrders(ctx)
		return err
	}},
	{"CompleteProductGrant", bridgetest.CompleteProductGrant, gates.CompleteProductGrant, func(ctx context.Context, c *bridge.Client) error {
		return c.CompleteProductGrant(ctx, "o-1")
	}},
	{"Orders", bridgetest.GetCompletedOrRefundedOrders, gates.CompletedOrRefundedOrders, func(ctx context.Context, c *bridge.Client) error {
		_, err := c.Orders(ctx, "")
		return err
	}},
	{"AllOrders", bridgetest.GetCompletedOrRefundedOrders, gates.CompletedOrRefundedOrders, func(ctx context.Context, c *bridge.Client) error {
		for _, err := range c.AllOrders(ctx) {
			if err != nil {
				return err
			}
		}
		return nil
	}},
	{"SubscriptionInfo", bridgetest.GetSubscriptionInfo, gates.Subscription, func(ctx context.Context, c *bridge.Client) error {
		_, err := c.SubscriptionInfo(ctx, "s-1")
		return err
	}},
	// Recover needs getPendingOrders and completeProductGrant: the later of
	// the two minimums on each platform.
	{"Recover", bridgetest.GetPendingOrders, gates.MinVersion{Android: "5.234.0", IOS: "5.233.0"}, func(ctx context.Context, c *bridge.Client) error {
		_, err := c.Recover(ctx, func(context.Context, bridge.PendingOrder) (bool, error) { return true, nil })
		return err
	}},
}

// below is the version just before v ("5.234.0" → "5.233.999").
func below(v string) string {
	p := strings.Split(v, ".")
	n := make([]int, 3)
	for i := range n {
		n[i], _ = strconv.Atoi(p[i])
	}
	if n[2] > 0 {
		n[2]--
	} else {
		n[1]--
		n[2] = 999
	}
	return fmt.Sprintf("%d.%d.%d", n[0], n[1], n[2])
}

// fill gives the fake something to answer every call with.
func (e *env) fill() {
	e.sdk.AddPendingOrder("o-1", "coin_100")
	e.sdk.AddOrder(bridgetest.Order{OrderID: "s-1", SKU: "premium_monthly", SubscriptionID: "sub-1", Status: bridge.Completed})
	e.sdk.SetProducts(catalogue...)
}

func TestBelow(t *testing.T) {
	assert.Equal(t, "5.233.999", below("5.234.0"))
	assert.Equal(t, "5.231.0", below("5.231.1"))
}

// Every call below its minimum fails with ErrUnsupportedAppVersion before
// anything is posted to the app; at the minimum it goes through.
func TestCallsBelowMinimum(t *testing.T) {
	for _, pc := range promiseCalls {
		t.Run(pc.name, func(t *testing.T) {
			for _, os := range []string{"android", "ios"} {
				min := pc.min.Android
				if os == "ios" {
					min = pc.min.IOS
				}
				e := newEnv(t)
				e.fill()
				e.sdk.SetApp(below(min), os, "toss")
				be := asError(t, pc.run(background, e.c), bridge.ErrUnsupportedAppVersion)
				assert.Contains(t, be.Message, min, os)
				for _, m := range allMethods {
					assert.Zero(t, e.sdk.Calls(m), "%s %s: %s was called", os, below(min), m)
				}

				e.sdk.SetApp("5.249.0", os, "toss") // every minimum
				require.NoError(t, pc.run(background, e.c), os)
				assert.NotZero(t, e.sdk.Calls(pc.method))
				e.sdk.SetApp(below(min), os, "sandbox")
				require.NoError(t, pc.run(background, e.c), "%s: the sandbox passes every gate", os)
			}
		})
	}
}

var allMethods = []string{
	bridgetest.GetProductItemList, bridgetest.GetPendingOrders, bridgetest.CompleteProductGrant,
	bridgetest.GetCompletedOrRefundedOrders, bridgetest.GetSubscriptionInfo,
}

// The second line of defence: an app at a supported version that answers
// undefined is treated as too old.
func TestCallsUndefinedAnswer(t *testing.T) {
	for _, pc := range promiseCalls {
		t.Run(pc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fill()
			e.answer(pc.method, bridgetest.Undefined())
			be := asError(t, pc.run(background, e.c), bridge.ErrUnsupportedAppVersion)
			assert.Contains(t, be.Message, "undefined")
			assert.Contains(t, be.Message, pc.method)
		})
	}
}

// What an app rejects with comes back with its code.
func TestCallsRejected(t *testing.T) {
	for _, pc := range promiseCalls {
		t.Run(pc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fill()
			e.answer(pc.method, bridgetest.Fail(bridge.ErrNetworkError, "the app is offline", ""))
			be := asError(t, pc.run(background, e.c), bridge.ErrNetworkError)
			assert.Equal(t, "the app is offline", be.Message)
			e.answer(pc.method, bridgetest.Reject("USER_CANCELED"))
			asError(t, pc.run(background, e.c), bridge.ErrUserCanceled)
			e.answer(pc.method, bridgetest.Reject(map[string]any{"reason": "?"}))
			asError(t, pc.run(background, e.c), bridge.ErrUnknown)
		})
	}
}

// A call the app never answers ends promptly when its context does. The
// client then holds nothing (Stats {0, 0}), but the page's Promise is still
// pending in JS with the client's settle pair attached: an orphaned await.
// Live does not count it (Go waits on nothing), yet the client's one
// js.Func cannot be released while JS may still call it, so Done stays
// open after Close until the Promise settles; here the fake's Close rejects
// it, the late settle is dropped (Stats.Dropped), and Done closes.
func TestCallsCancelled(t *testing.T) {
	for _, pc := range promiseCalls {
		t.Run(pc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fill()
			e.answer(pc.method, bridgetest.Never())

			ctx, cancel := context.WithTimeout(background, 30*time.Millisecond)
			defer cancel()
			start := time.Now()
			be := asError(t, pc.run(ctx, e.c), bridge.ErrAborted)
			assert.ErrorIs(t, be, context.DeadlineExceeded)
			assert.Less(t, time.Since(start), time.Second, "promptly")
			assert.Equal(t, 1, e.sdk.Calls(pc.method))

			s := e.c.Stats()
			assert.Equal(t, [2]int{0, 0}, [2]int{s.InFlight, s.LiveCallbacks}, "Stats {InFlight, LiveCallbacks}")
			assert.Zero(t, s.Dropped)

			require.NoError(t, e.c.Close())
			select { // Go owes JS nothing: the await was given up
			case <-e.c.Done():
			case <-time.After(wait):
				t.Fatal("Done never closed")
			}
			e.sdk.Close() // rejects the unanswered call: ignored, never a released function
		})
	}
}

// A context that is already done posts nothing.
func TestCallsCancelledBefore(t *testing.T) {
	for _, pc := range promiseCalls {
		t.Run(pc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fill()
			ctx, cancel := context.WithCancel(background)
			cancel()
			be := asError(t, pc.run(ctx, e.c), bridge.ErrAborted)
			assert.ErrorIs(t, be, context.Canceled)
			assert.Zero(t, e.sdk.Calls(pc.method))
		})
	}
}

// Close ends a call in flight with ErrClosed, and refuses later ones.
func TestCallsClosed(t *testing.T) {
	for _, pc := range promiseCalls {
		t.Run(pc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fill()
			e.answer(pc.method, bridgetest.Never())
			done := make(chan error, 1)
			go func() { done <- pc.run(background, e.c) }()
			eventually(t, func() bool { return e.sdk.Calls(pc.method) == 1 }, "the call reached the app")
			require.NoError(t, e.c.Close())
			select {
			case err := <-done:
				asError(t, err, bridge.ErrClosed)
			case <-time.After(wait):
				t.Fatal("Close did not end the call")
			}
			asError(t, pc.run(background, e.c), bridge.ErrClosed)
			assert.Equal(t, 1, e.sdk.Calls(pc.method))
		})
	}
}

// An SDK whose version check lets an old app through: the fake app then
// answers undefined (the client says too old) or, if so set, never (the
// context ends it).
func TestCallsPastALyingGate(t *testing.T) {
	for _, pc := range promiseCalls {
		t.Run(pc.name, func(t *testing.T) {
			e := newEnv(t)
			e.fill()
			e.sdk.SetApp("5.200.0", "android", "toss")
			ns := js.ValueOf(map[string]any{
				"IAP":                   safejs.Unsafe(e.sdk.Value()).Get("IAP"),
				"isMinVersionSupported": jsFunc("", "return true"),
			})
			c, err := bridge.New(safejs.Safe(ns))
			require.NoError(t, err)
			be := asError(t, pc.run(background, c), bridge.ErrUnsupportedAppVersion)
			assert.Contains(t, be.Message, "undefined")

			e.sdk.SetBelowMinimum(bridgetest.Never())
			ctx, cancel := context.WithTimeout(background, 20*time.Millisecond)
			defer cancel()
			asError(t, pc.run(ctx, c), bridge.ErrAborted)
			require.NoError(t, c.Close())
			e.sdk.Close()
			select {
			case <-c.Done():
			case <-time.After(wait):
				t.Fatal("the client was never released")
			}
		})
	}
}

// A call whose context ends, or whose client is closed, while the SDK is
// posting it: the client gives up on the Promise before it awaited it, and
// the Promise's rejection must still be handled. Unhandled, it is an error
// in a browser's console, and in Node it ends the process (every test with
// it).
func TestCallsEndedWhilePosting(t *testing.T) {
	for _, how := range []string{"cancelled", "closed"} {
		t.Run(how, func(t *testing.T) {
			ctx, cancel := context.WithCancel(background)
			defer cancel()
			var c *bridge.Client
			end := js.FuncOf(func(js.Value, []js.Value) any {
				if how == "cancelled" {
					cancel()
				} else {
					_ = c.Close()
				}
				return nil
			})
			defer end.Release()
			iap := jsFunc("end", "return { getPendingOrders: () => { end(); return Promise.reject(new Error('too late')) } }").Invoke(end)
			ns := js.ValueOf(map[string]any{"IAP": iap, "isMinVersionSupported": jsFunc("", "return true")})
			var err error
			c, err = bridge.New(safejs.Safe(ns))
			require.NoError(t, err)
			_, err = c.PendingOrders(ctx)
			want := map[string]bridge.Code{"cancelled": bridge.ErrAborted, "closed": bridge.ErrClosed}[how]
			asError(t, err, want)
			time.Sleep(20 * time.Millisecond) // the rejection runs its course
			require.NoError(t, c.Close())
			select {
			case <-c.Done():
			case <-time.After(wait):
				t.Fatal("the client was never released")
			}
		})
	}
}
