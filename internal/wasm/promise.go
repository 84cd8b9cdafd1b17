//go:build js && wasm

package wasm

import (
	"context"
	"errors"
	"syscall/js"

	"github.com/hack-pad/safejs"
)

var (
	jsPromise = js.Global().Get("Promise")
	jsError   = js.Global().Get("Error")
)

// jsValuer is an error that knows what it should look like when it rejects
// a Promise handed to JS (a JSValue method). Other errors become a plain Error.
type jsValuer interface {
	JSValue() safejs.Value
}

// ErrorValue is err as a JS rejection value.
func ErrorValue(err error) safejs.Value {
	var v jsValuer
	if errors.As(err, &v) {
		return v.JSValue()
	}
	return safejs.Safe(jsError.New(err.Error()))
}

// Rejected is a Promise already rejected with err, as ErrorValue makes it:
// the answer of a function that must return a Promise and cannot make one
// the usual way (its Callbacks are closed).
func Rejected(err error) safejs.Value {
	return safejs.Safe(jsPromise.Call("reject", safejs.Unsafe(ErrorValue(err))))
}

type settled struct {
	v  safejs.Value
	ok bool
}

// Await waits for p the way JS's await does: a thenable is followed, any
// other value is the result at once. A rejection comes back as *Error; a
// cancelled ctx returns ctx.Err() at once, and the promise's later settling
// is dropped (never a call to a released function, never an unhandled
// rejection).
//
// As in net/http's roundtrip_js.go both callbacks go to one then, are
// retired together, and the channel is buffered so the callback never
// blocks the event loop.
func (c *Callbacks) Await(ctx context.Context, sp safejs.Value) (safejs.Value, error) {
	p := safejs.Unsafe(sp)
	if t := JS(sp).Type(); t != TypeObject && t != TypeArray && t != TypeFunction {
		return sp, nil
	}
	if err := ctx.Err(); err != nil {
		markHandled(p)
		return safejs.Undefined(), err
	}
	ch := make(chan settled, 1)
	onOK, onFail, err := c.AddSettle(
		func(args []safejs.Value) any { ch <- settled{Unwrap(Arg(args, 0)), true}; return nil },
		func(args []safejs.Value) any { ch <- settled{Unwrap(Arg(args, 0)), false}; return nil },
	)
	if err != nil {
		markHandled(p)
		return safejs.Undefined(), err
	}
	// Promise.resolve adopts any thenable; a then that throws becomes a
	// rejection instead of a Go panic.
	if err := Catch(func() {
		jsPromise.Call("resolve", p).Call("then", safejs.Unsafe(onOK.Value), safejs.Unsafe(onFail.Value))
	}); err != nil {
		c.Remove(onOK.ID)
		return safejs.Undefined(), err
	}
	select {
	case s := <-ch:
		if s.ok {
			return s.v, nil
		}
		return s.v, ErrorFrom(JS(s.v))
	case <-ctx.Done():
		c.Remove(onOK.ID)
		return safejs.Undefined(), ctx.Err()
	}
}

// jsBoolean is a rejection handler that does nothing and cannot throw.
var jsBoolean = js.Global().Get("Boolean")

// markHandled attaches a do-nothing rejection handler to a promise Await
// gives up on before attaching its own: its later rejection must not go
// unhandled (an error in a browser's console, the end of the process in
// Node). The built-in Boolean needs no Go callback, which may no longer be
// possible to make, and no eval.
func markHandled(p js.Value) {
	_ = Catch(func() { jsPromise.Call("resolve", p).Call("catch", jsBoolean) })
}

// resolvers makes {promise, resolve, reject} without calling back into Go:
// Promise.withResolvers where the engine has it (Chrome 119+, Node 22+),
// or the one a host passes to SetPromiseResolvers (goiap.js does).
var resolvers = func() js.Value {
	if f := jsPromise.Get("withResolvers"); f.Type() == js.TypeFunction {
		return f.Call("bind", jsPromise)
	}
	return js.Undefined()
}()

// SetPromiseResolvers gives Promise a JS function that returns
// {promise, resolve, reject}, as Promise.withResolvers does, for engines
// without it. Without one, Promise makes each promise with an executor
// that calls into Go, which costs a JS→Go call per promise. Call it before
// the first Promise; anything but a function goes back to executors.
func SetPromiseResolvers(fn safejs.Value) {
	if JS(fn).Type() != TypeFunction {
		fn = safejs.Undefined()
	}
	resolvers = safejs.Unsafe(fn)
}

// newPromise makes a pending promise and the functions that settle it.
func (c *Callbacks) newPromise() (p js.Value, resolve, reject safejs.Value, err error) {
	if resolvers.Type() == js.TypeFunction {
		err = Catch(func() {
			r := resolvers.Invoke()
			p = r.Get("promise")
			resolve, reject = safejs.Safe(r.Get("resolve")), safejs.Safe(r.Get("reject"))
		})
		return p, resolve, reject, err
	}
	exec, err := c.Add(func(args []safejs.Value) any {
		if len(args) >= 2 {
			resolve, reject = args[0], args[1]
		}
		return nil
	})
	if err != nil {
		return js.Undefined(), resolve, reject, err
	}
	err = Catch(func() { p = jsPromise.New(safejs.Unsafe(exec.Value)) }) // the executor runs now, synchronously
	c.Remove(exec.ID)
	return p, resolve, reject, err
}

// Promise hands JS a Promise for work, which runs in its own goroutine so
// the caller (often a JS callback) returns at once. An error rejects with
// [ErrorValue]; a panic in work rejects with a *panicError. A value is
// converted as by js.ValueOf; one that cannot be converted rejects.
func (c *Callbacks) Promise(work func() (any, error)) (safejs.Value, error) {
	if c.isClosed() {
		return safejs.Undefined(), ErrClosed
	}
	p, resolve, reject, err := c.newPromise()
	if err != nil {
		return safejs.Undefined(), err
	}
	c.mu.Lock()
	c.promises++ // Close waits for it: an answer owed to JS is never dropped
	c.mu.Unlock()
	go func() {
		defer func() {
			c.mu.Lock()
			c.promises--
			c.releaseIfDoneLocked()
			c.mu.Unlock()
		}()
		var v any
		var werr error
		if err := Catch(func() { v, werr = work() }); err != nil {
			werr = err
		}
		if werr == nil {
			if _, werr = resolve.Invoke(v); werr == nil {
				return
			}
		}
		_, _ = reject.Invoke(ErrorValue(werr))
	}()
	return safejs.Safe(p), nil
}
