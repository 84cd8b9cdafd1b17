//go:build js && wasm

package wasm_test

// Benchmarks of the Go↔JS primitives, run by bench/run.sh (make bench):
//
//	GOOS=js GOARCH=wasm go test -bench . -run '^$' -exec "$(go env GOROOT)/lib/wasm/go_js_wasm_exec" ./wasm/
//
// Every op here crosses the Go↔JS boundary; compare with the raw
// syscall/js rows to see what the wrappers add.

import (
	"context"
	"runtime"
	"syscall/js"
	"testing"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/internal/wasm"
)

// benchWarm runs op before timing starts: V8 first runs wasm with its
// baseline compiler and tiers hot functions up as they run, so without it
// whichever benchmark comes first pays for the tier-up.
func benchWarm(b *testing.B, op func()) {
	b.Helper()
	for range 3000 {
		op()
	}
}

func benchCallbacks(b *testing.B) *wasm.Callbacks {
	b.Helper()
	c := wasm.NewCallbacks()
	b.Cleanup(c.Close)
	return c
}

// BenchmarkPromiseOut hands JS a Promise (Callbacks.Promise) and lets its
// goroutine resolve it: executor callback, Promise constructor, goroutine,
// resolve call.
func BenchmarkPromiseOut(b *testing.B) {
	c := benchCallbacks(b)
	work := func() (any, error) { return 1, nil }
	op := func() {
		if _, err := c.Promise(work); err != nil {
			b.Fatal(err)
		}
		runtime.Gosched() // the resolving goroutine runs to its end (js/wasm has one thread)
	}
	benchWarm(b, op)
	b.ReportAllocs()
	for b.Loop() {
		op()
	}
}

// BenchmarkPromiseIn awaits a JS Promise that is already resolved
// (Callbacks.Await): a settle pair, Promise.resolve(p).then(ok, fail), one
// microtask turn of the event loop and the callback back into Go.
func BenchmarkPromiseIn(b *testing.B) {
	c := benchCallbacks(b)
	p := js.Global().Get("Promise").Call("resolve", 1)
	ctx := context.Background()
	op := func() {
		if _, err := c.Await(ctx, safejs.Safe(p)); err != nil {
			b.Fatal(err)
		}
	}
	benchWarm(b, op)
	b.ReportAllocs()
	for b.Loop() {
		op()
	}
}

// BenchmarkPromiseRoundTrip is a Promise made by Go and awaited by Go.
func BenchmarkPromiseRoundTrip(b *testing.B) {
	c := benchCallbacks(b)
	work := func() (any, error) { return 1, nil }
	ctx := context.Background()
	op := func() {
		p, err := c.Promise(work)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Await(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
	benchWarm(b, op)
	b.ReportAllocs()
	for b.Loop() {
		op()
	}
}

// BenchmarkFuncLifecycle makes a Go function for JS, calls it once from
// JS and releases it.
func BenchmarkFuncLifecycle(b *testing.B) {
	b.Run("syscall-js.FuncOf", func(b *testing.B) { // the floor: no wrapper
		op := func() {
			f := js.FuncOf(func(js.Value, []js.Value) any { return nil })
			f.Invoke()
			f.Release()
		}
		benchWarm(b, op)
		b.ReportAllocs()
		for b.Loop() {
			op()
		}
	})
	b.Run("Callbacks.Add", func(b *testing.B) {
		c := benchCallbacks(b)
		h := func([]safejs.Value) any { return nil }
		op := func() {
			cb, err := c.Add(h)
			if err != nil {
				b.Fatal(err)
			}
			safejs.Unsafe(cb.Value).Invoke()
			c.Remove(cb.ID)
		}
		benchWarm(b, op)
		b.ReportAllocs()
		for b.Loop() {
			op()
		}
	})
}

// BenchmarkInvoke is one JS → Go call of a function that already exists:
// the cost of a crossing alone.
func BenchmarkInvoke(b *testing.B) {
	b.Run("syscall-js.Func", func(b *testing.B) {
		f := js.FuncOf(func(js.Value, []js.Value) any { return nil })
		defer f.Release()
		op := func() { f.Invoke() }
		benchWarm(b, op)
		b.ReportAllocs()
		for b.Loop() {
			op()
		}
	})
	b.Run("Callbacks", func(b *testing.B) {
		c := benchCallbacks(b)
		cb, err := c.Add(func([]safejs.Value) any { return nil })
		if err != nil {
			b.Fatal(err)
		}
		op := func() { safejs.Unsafe(cb.Value).Invoke() }
		benchWarm(b, op)
		b.ReportAllocs()
		for b.Loop() {
			op()
		}
	})
}

// BenchmarkGoroutine is the Go-only yardstick: start a goroutine and hand
// a value back over a channel, no JS involved.
func BenchmarkGoroutine(b *testing.B) {
	ch := make(chan struct{})
	op := func() {
		go func() { ch <- struct{}{} }()
		<-ch
	}
	benchWarm(b, op)
	b.ReportAllocs()
	for b.Loop() {
		op()
	}
}
