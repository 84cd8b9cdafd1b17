//go:build js && wasm

package main

import (
	"context"
	"errors"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/bridge"
)

// global is globalThis[name].
func global(name string) (safejs.Value, error) { return safejs.Global().Get(name) }

// promise runs f in a goroutine and answers a JS Promise of its result.
// JS must never wait on Go: a Go function called from JS returns at once.
func promise(f func(ctx context.Context) (any, error)) (safejs.Value, error) {
	var executor safejs.Func
	executor, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		defer executor.Release() // the Promise constructor calls it once, at once
		resolve, reject := args[0], args[1]
		go func() {
			v, err := f(context.Background())
			if err == nil {
				if _, err = resolve.Invoke(v); err == nil {
					return
				}
			}
			_, _ = reject.Invoke(jsError(err))
		}()
		return nil
	})
	if err != nil {
		return safejs.Undefined(), err
	}
	ctor, err := global("Promise")
	if err != nil {
		return safejs.Undefined(), err
	}
	return ctor.New(executor.Value())
}

// await waits for a JS Promise, or for ctx.
func await(ctx context.Context, p safejs.Value) (safejs.Value, error) {
	type answer struct {
		v   safejs.Value
		err error
	}
	ch := make(chan answer, 1)
	first := func(args []safejs.Value) safejs.Value {
		if len(args) == 0 {
			return safejs.Undefined()
		}
		return args[0]
	}
	onOK, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		ch <- answer{v: first(args)}
		return nil
	})
	if err != nil {
		return safejs.Undefined(), err
	}
	onErr, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		ch <- answer{err: rejected{first(args)}}
		return nil
	})
	if err != nil {
		onOK.Release()
		return safejs.Undefined(), err
	}
	release := func() { onOK.Release(); onErr.Release() }
	if _, err := p.Call("then", onOK.Value(), onErr.Value()); err != nil {
		release()
		return safejs.Undefined(), err
	}
	select {
	case a := <-ch:
		release()
		return a.v, a.err
	case <-ctx.Done():
		// The callbacks stay: the Promise may still settle and call them.
		return safejs.Undefined(), ctx.Err()
	}
}

// rejected is what a Promise rejected with, as a Go error.
type rejected struct{ v safejs.Value }

func (r rejected) Error() string {
	if s, err := r.v.String(); err == nil && r.v.Type() == safejs.TypeString {
		return s
	}
	if m, err := r.v.Get("message"); err == nil && m.Type() == safejs.TypeString {
		s, _ := m.String()
		return s
	}
	return "rejected with " + r.v.Type().String()
}

// jsError makes a Go error a JS Error with .code: bridge's code when it is
// a bridge error (and .orderId when an order is known), DAILY_LIMIT for
// the limit, UNKNOWN otherwise.
func jsError(err error) safejs.Value {
	code := "UNKNOWN"
	fields := map[string]any{}
	var be *bridge.Error
	switch {
	case errors.Is(err, errDailyLimit):
		code = "DAILY_LIMIT"
	case errors.As(err, &be):
		code = string(be.Code)
		if be.OrderID != "" {
			fields["orderId"] = be.OrderID
		}
	}
	fields["code"] = code
	ctor, cerr := global("Error")
	if cerr != nil {
		return safejs.Undefined()
	}
	e, cerr := ctor.New(err.Error())
	if cerr != nil {
		return safejs.Undefined()
	}
	for k, v := range fields {
		_ = e.Set(k, v)
	}
	return e
}
