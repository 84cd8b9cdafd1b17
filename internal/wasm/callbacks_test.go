//go:build js && wasm

package wasm_test

import (
	"context"
	"errors"
	"syscall/js"
	"testing"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/internal/wasm"
)

// jsFunc compiles a JS function for a test; tests may eval, the library never does.
func jsFunc(params, body string) js.Value {
	return js.Global().Get("Function").New(params, body)
}

func newCallbacks(t *testing.T) *wasm.Callbacks {
	t.Helper()
	c := wasm.NewCallbacks()
	t.Cleanup(c.Close)
	return c
}

func TestCallbacksRouteAndDropAfterRemove(t *testing.T) {
	c := newCallbacks(t)
	var got []string
	cb, err := c.Add(func(args []safejs.Value) any {
		s, _ := args[1].String()
		got = append(got, s)
		return len(got)
	}, "bound")
	require.NoError(t, err)
	assert.Equal(t, 1, c.Live())

	ret := safejs.Unsafe(cb.Value).Invoke("first")
	assert.Equal(t, 1, ret.Int())
	c.Remove(cb.ID)
	c.Remove(cb.ID) // idempotent
	assert.True(t, safejs.Unsafe(cb.Value).Invoke("late").IsUndefined(), "a removed handler answers undefined")
	assert.Equal(t, []string{"first"}, got)
	assert.Equal(t, 0, c.Live())
	assert.Equal(t, 1, c.Dropped())
}

func TestCallbacksSettlePairCalledOnce(t *testing.T) {
	c := newCallbacks(t)
	calls := 0
	a, b, err := c.AddSettle(
		func([]safejs.Value) any { calls++; return nil },
		func([]safejs.Value) any { calls += 10; return nil },
	)
	require.NoError(t, err)
	assert.Equal(t, 1, c.Live(), "a pair counts once")
	safejs.Unsafe(a.Value).Invoke()
	safejs.Unsafe(b.Value).Invoke()
	safejs.Unsafe(a.Value).Invoke()
	assert.Equal(t, 1, calls)
	assert.Equal(t, 0, c.Live())
	assert.Equal(t, 2, c.Dropped())
}

func TestCallbacksClosedRefusesAdd(t *testing.T) {
	c := wasm.NewCallbacks()
	c.Close()
	c.Close()
	_, err := c.Add(func([]safejs.Value) any { return nil })
	assert.ErrorIs(t, err, wasm.ErrClosed)
}

func TestCallbacksLateSettleAfterReleaseIsIgnored(t *testing.T) {
	c := wasm.NewCallbacks()
	a, _, err := c.AddSettle(func([]safejs.Value) any { return nil }, func([]safejs.Value) any { return nil })
	require.NoError(t, err)
	c.Remove(a.ID) // given up in Go
	c.Close()
	<-c.Released()                  // nothing is owed to JS
	safejs.Unsafe(a.Value).Invoke() // the late settle reaches the one live router and is ignored
}

func TestCallbacksCloseLetsKeptHandlersFinish(t *testing.T) {
	c := wasm.NewCallbacks()
	got := 0
	a, b, err := c.AddSettle(func([]safejs.Value) any { got = 1; return nil }, func([]safejs.Value) any { got = 2; return nil })
	require.NoError(t, err)
	kept, err := c.Add(func([]safejs.Value) any { got += 10; return nil })
	require.NoError(t, err)
	c.Keep(kept.ID)
	plain, err := c.Add(func([]safejs.Value) any { got += 100; return nil })
	require.NoError(t, err)
	c.Close()
	safejs.Unsafe(plain.Value).Invoke()
	assert.Equal(t, 0, got, "plain handlers are dropped at Close")
	safejs.Unsafe(b.Value).Invoke()
	assert.Equal(t, 2, got, "an await in progress still gets its answer")
	safejs.Unsafe(a.Value).Invoke()
	safejs.Unsafe(kept.Value).Invoke()
	assert.Equal(t, 12, got, "a kept handler still runs")
	select {
	case <-c.Released():
		t.Fatal("released while a kept handler lives")
	default:
	}
	c.Remove(kept.ID)
	<-c.Released()
}

func TestHandlerPanicIsRecovered(t *testing.T) {
	c := newCallbacks(t)
	panicsBefore := wasm.Panics()
	cb, err := c.Add(func([]safejs.Value) any { panic("boom") })
	require.NoError(t, err)
	assert.True(t, safejs.Unsafe(cb.Value).Invoke().IsUndefined())
	assert.Equal(t, panicsBefore+1, wasm.Panics())
}

func TestAwait(t *testing.T) {
	c := newCallbacks(t)
	ctx := context.Background()

	v, err := c.Await(ctx, safejs.Safe(jsFunc("", "return Promise.resolve(42)").Invoke()))
	require.NoError(t, err)
	n, _ := v.Int()
	assert.Equal(t, 42, n)

	v, err = c.Await(ctx, safejs.Safe(js.ValueOf("plain")))
	require.NoError(t, err)
	s, _ := v.String()
	assert.Equal(t, "plain", s, "a non-thenable is its own result")

	_, err = c.Await(ctx, safejs.Safe(jsFunc("", "const e = new Error('nope'); e.code = 'E_X'; return Promise.reject(e)").Invoke()))
	var jerr *wasm.Error
	require.ErrorAs(t, err, &jerr)
	assert.Equal(t, "E_X", jerr.Code)
	assert.Equal(t, "nope", jerr.Message)

	_, err = c.Await(ctx, safejs.Safe(jsFunc("", "return { then() { throw 'bad thenable' } }").Invoke()))
	require.ErrorAs(t, err, &jerr)
	assert.Equal(t, "bad thenable", jerr.Message)
	assert.Equal(t, 0, c.Live())
}

func TestAwaitCancelledDropsLateSettle(t *testing.T) {
	c := newCallbacks(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	// A promise that settles only when the test says so: no timing margin.
	pending := jsFunc("", "let resolve; const promise = new Promise(r => { resolve = r; }); return {promise, resolve};").Invoke()
	_, err := c.Await(ctx, safejs.Safe(pending.Get("promise")))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 0, c.Live())
	pending.Get("resolve").Invoke(1)
	_, err = c.Await(context.Background(), safejs.Safe(jsFunc("", "return new Promise(r => setTimeout(r, 10))").Invoke()))
	require.NoError(t, err)
	assert.Equal(t, 1, c.Dropped(), "the abandoned promise settled into a dropped call")
}

func TestPromise(t *testing.T) {
	c := newCallbacks(t)
	ctx := context.Background()

	p, err := c.Promise(func() (any, error) { return "done", nil })
	require.NoError(t, err)
	v, err := c.Await(ctx, p)
	require.NoError(t, err)
	s, _ := v.String()
	assert.Equal(t, "done", s)

	p, err = c.Promise(func() (any, error) { return nil, errors.New("failed") })
	require.NoError(t, err)
	_, err = c.Await(ctx, p)
	var jerr *wasm.Error
	require.ErrorAs(t, err, &jerr)
	assert.Equal(t, "failed", jerr.Message)
	assert.Equal(t, "Error", jerr.Name)

	panicsBefore := wasm.Panics()
	p, err = c.Promise(func() (any, error) { panic("kaboom") })
	require.NoError(t, err)
	_, err = c.Await(ctx, p)
	require.ErrorAs(t, err, &jerr)
	assert.Contains(t, jerr.Message, "kaboom")
	assert.Equal(t, panicsBefore+1, wasm.Panics())

	p, err = c.Promise(func() (any, error) { return make(chan int), nil })
	require.NoError(t, err)
	_, err = c.Await(ctx, p)
	assert.Error(t, err, "an unconvertible result rejects instead of panicking")
	assert.Equal(t, 0, c.Live())
}
