//go:build js && wasm

package main

import (
	"context"
	"errors"
	"syscall/js"

	"github.com/goiap/goiap/bridge"
)

// promise runs f in a goroutine and answers a JS Promise of its result.
// JS must never wait on Go: a Go function called from JS returns at once.
func promise(f func(ctx context.Context) (any, error)) js.Value {
	var executor js.Func
	executor = js.FuncOf(func(_ js.Value, args []js.Value) any {
		resolve, reject := args[0], args[1]
		go func() {
			v, err := f(context.Background())
			if err != nil {
				reject.Invoke(jsError(err))
				return
			}
			resolve.Invoke(v)
		}()
		executor.Release() // the Promise constructor calls it once, at once
		return nil
	})
	return js.Global().Get("Promise").New(executor)
}

// await waits for a JS Promise, or for ctx.
func await(ctx context.Context, p js.Value) (js.Value, error) {
	type answer struct {
		v   js.Value
		err error
	}
	ch := make(chan answer, 1)
	onOK := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- answer{v: args[0]}
		return nil
	})
	onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- answer{err: js.Error{Value: args[0]}}
		return nil
	})
	p.Call("then", onOK, onErr)
	select {
	case a := <-ch:
		onOK.Release()
		onErr.Release()
		return a.v, a.err
	case <-ctx.Done():
		// The callbacks stay: the Promise may still settle and call them.
		return js.Undefined(), ctx.Err()
	}
}

// jsError makes a Go error a JS Error with .code: bridge's code when it is
// a bridge error (and .orderId when an order is known), DAILY_LIMIT for
// the limit, UNKNOWN otherwise.
func jsError(err error) js.Value {
	e := js.Global().Get("Error").New(err.Error())
	code := "UNKNOWN"
	var be *bridge.Error
	switch {
	case errors.Is(err, errDailyLimit):
		code = "DAILY_LIMIT"
	case errors.As(err, &be):
		code = string(be.Code)
		if be.OrderID != "" {
			e.Set("orderId", be.OrderID)
		}
	}
	e.Set("code", code)
	return e
}
