//go:build js && wasm

package wasm

import (
	"sync/atomic"
	"syscall/js"

	"github.com/hack-pad/safejs"
)

var liveFuncs atomic.Int64

// LiveFuncs is how many [Func]s are made and not yet released.
func LiveFuncs() int { return int(liveFuncs.Load()) }

// Func is a js.Func with one owner. Release is idempotent, so every path
// that ends the owner's life may call it; a panic inside the function is
// recovered, reported to stderr (the console), and the call returns undefined.
type Func struct {
	fn       safejs.Func
	released atomic.Bool
}

// FuncOf makes a Func. It fails only if the JS side cannot make functions
// (the Go program is shutting down).
func FuncOf(fn func(this safejs.Value, args []safejs.Value) any) (*Func, error) {
	f, err := safejs.FuncOf(func(this safejs.Value, args []safejs.Value) (result any) {
		if err := Catch(func() { result = fn(this, args) }); err != nil {
			reportPanic(err)
			return js.Undefined()
		}
		return result
	})
	if err != nil {
		return nil, err
	}
	liveFuncs.Add(1)
	return &Func{fn: f}, nil
}

// Value is the function as JS sees it.
func (f *Func) Value() js.Value { return safejs.Unsafe(f.fn.Value()) }

// Release frees the function the first time it is called; JS must not call
// it afterwards.
func (f *Func) Release() {
	if f.released.CompareAndSwap(false, true) {
		f.fn.Release()
		liveFuncs.Add(-1)
	}
}

// Guard runs fn, as user code in its own goroutine should run: a panic in
// it is recovered, counted in Panics and printed to the console, instead of
// ending the program.
func Guard(fn func()) {
	if err := Catch(fn); err != nil {
		reportPanic(err)
	}
}

func reportPanic(err error) {
	msg := "goiap: recovered " + err.Error()
	if p, ok := err.(*PanicError); ok {
		msg += "\n" + p.Stack
	}
	// println, not os.Stderr: in js/wasm a file write awaits a JS callback,
	// which would deadlock here, inside one.
	println(msg)
}
