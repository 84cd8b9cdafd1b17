//go:build js && wasm

package bridge_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"syscall/js"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/bridge/bridgetest"
	"github.com/goiap/goiap/internal/wasm"
)

// wait bounds every wait in these tests: a hang fails the test, not the run.
const wait = 5 * time.Second

// env is one client over one fake SDK. At the end of the test it checks
// that the client went idle (Stats {0, 0}), that every JS function made
// for the test was released, and that wasm.Panics grew by exactly panics.
type env struct {
	t      *testing.T
	sdk    *bridgetest.SDK
	c      *bridge.Client
	panics int // how many recovered panics the test expects
}

func newEnv(t *testing.T, opts ...bridge.Option) *env {
	t.Helper()
	panicsBefore := wasm.Panics()
	sdk := bridgetest.NewSDK()
	c, err := bridge.New(sdk.Value(), opts...)
	require.NoError(t, err)
	e := &env{t: t, sdk: sdk, c: c}
	t.Cleanup(func() {
		e.idle()
		require.NoError(t, c.Close())
		sdk.Close()
		select {
		case <-c.Done():
		case <-time.After(wait):
			t.Error("the client's JS callbacks were never released")
		}
		assert.Equal(t, panicsBefore+e.panics, wasm.Panics(), "recovered panics")
	})
	return e
}

// idle waits for the client to hold nothing, and fails the test if it
// never does.
func (e *env) idle() {
	e.t.Helper()
	eventually(e.t, func() bool {
		s := e.c.Stats()
		return s.InFlight == 0 && s.LiveCallbacks == 0
	}, "client idle")
	s := e.c.Stats()
	assert.Equal(e.t, [2]int{0, 0}, [2]int{s.InFlight, s.LiveCallbacks}, "Stats {InFlight, LiveCallbacks}")
}

func eventually(t *testing.T, cond func() bool, msg string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Errorf("timed out waiting for: "+msg, args...)
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// next is the next checkout the client opened.
func (e *env) next() *bridgetest.Checkout {
	e.t.Helper()
	select {
	case co := <-e.sdk.Checkouts():
		require.NotNil(e.t, co, "the SDK was closed")
		return co
	case <-time.After(wait):
		e.t.Fatal("no checkout was opened")
		return nil
	}
}

// noCheckout asserts nothing was posted to the app.
func (e *env) noCheckout() {
	e.t.Helper()
	assert.Equal(e.t, 0, e.sdk.Posted(), "posted to the app")
	select {
	case co := <-e.sdk.Checkouts():
		e.t.Errorf("unexpected checkout for %q", co.SKU())
	default:
	}
}

type outcome struct {
	res bridge.Result
	err error
}

// purchase runs Purchase in a goroutine, so the test can play the app.
func (e *env) purchase(ctx context.Context, sku string, grant bridge.GrantFunc) <-chan outcome {
	ch := make(chan outcome, 1)
	go func() {
		res, err := e.c.Purchase(ctx, sku, grant)
		ch <- outcome{res, err}
	}()
	return ch
}

func (e *env) outcome(ch <-chan outcome) outcome {
	e.t.Helper()
	select {
	case o := <-ch:
		return o
	case <-time.After(wait):
		e.t.Fatal("the purchase never settled")
		return outcome{}
	}
}

// callbacks collects what CreateOneTimePurchaseOrder reports.
type callbacks struct {
	success chan bridge.Result
	fail    chan *bridge.Error
}

func newCallbacks() *callbacks {
	return &callbacks{success: make(chan bridge.Result, 4), fail: make(chan *bridge.Error, 4)}
}

func (cb *callbacks) options(sku string, grant bridge.GrantFunc) bridge.OneTimePurchaseOptions {
	return bridge.OneTimePurchaseOptions{
		SKU: sku, Grant: grant,
		OnSuccess: func(r bridge.Result) { cb.success <- r },
		OnError:   func(e *bridge.Error) { cb.fail <- e },
	}
}

func (cb *callbacks) wantError(t *testing.T) *bridge.Error {
	t.Helper()
	select {
	case e := <-cb.fail:
		return e
	case r := <-cb.success:
		t.Fatalf("want an error, got success %+v", r)
	case <-time.After(wait):
		t.Fatal("the purchase never settled")
	}
	return nil
}

func (cb *callbacks) wantSuccess(t *testing.T) bridge.Result {
	t.Helper()
	select {
	case r := <-cb.success:
		return r
	case e := <-cb.fail:
		t.Fatalf("want success, got %v", e)
	case <-time.After(wait):
		t.Fatal("the purchase never settled")
	}
	return bridge.Result{}
}

// nothingMore asserts no further outcome arrives within a short while.
func (cb *callbacks) nothingMore(t *testing.T) {
	t.Helper()
	select {
	case r := <-cb.success:
		t.Errorf("a second outcome: success %+v", r)
	case e := <-cb.fail:
		t.Errorf("a second outcome: %v", e)
	case <-time.After(20 * time.Millisecond):
	}
}

// grants is a GrantFunc that records its calls and answers ok.
type grants struct {
	mu    sync.Mutex
	calls []string
	ok    bool
	err   error
	gate  chan struct{} // when set, every call waits for it to close
	began chan string   // when set, receives each order id as its grant begins
	n     atomic.Int32
}

func (g *grants) grant(ctx context.Context, orderID string) (bool, error) {
	g.n.Add(1)
	g.mu.Lock()
	g.calls = append(g.calls, orderID)
	g.mu.Unlock()
	if g.began != nil {
		g.began <- orderID
	}
	if g.gate != nil {
		<-g.gate
	}
	return g.ok, g.err
}

func (g *grants) orders() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.calls...)
}

func grantTrue(context.Context, string) (bool, error) { return true, nil }

// asError checks err is an *Error of code, matched as errors.Is and
// errors.As and bridge.CodeOf all see it.
func asError(t *testing.T, err error, code bridge.Code) *bridge.Error {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, code)
	assert.Equal(t, code, bridge.CodeOf(err))
	var e *bridge.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, code, e.Code)
	for _, other := range bridge.Codes() {
		if other != code {
			assert.False(t, errors.Is(err, other), "errors.Is(%v, %s)", err, other)
		}
	}
	return e
}

// jsFunc compiles a JS function for a test; tests may eval, the library never does.
func jsFunc(params, body string) js.Value {
	return js.Global().Get("Function").New(params, body)
}
