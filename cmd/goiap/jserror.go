//go:build js && wasm

package main

import (
	"errors"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/internal/wasm"
)

var jsErrorCtor, _ = safejs.Global().Get("Error")

// jsError is a bridge error as the page sees it: an Error with .code and,
// when an order is known, .orderId.
type jsError struct{ err *bridge.Error }

func (e jsError) Error() string { return e.err.Error() }

func (e jsError) JSValue() safejs.Value {
	v, err := jsErrorCtor.New(e.err.Error())
	if err != nil {
		return safejs.Undefined()
	}
	_ = v.Set("name", "IAPError")
	_ = v.Set("code", string(e.err.Code))
	if e.err.OrderID != "" {
		_ = v.Set("orderId", e.err.OrderID)
	}
	return v
}

// asJSError gives any error a code: bridge errors keep theirs.
func asJSError(err error) jsError {
	var be *bridge.Error
	if !errors.As(err, &be) {
		be = &bridge.Error{Code: bridge.CodeOf(err), Message: err.Error(), Err: err}
	}
	return jsError{be}
}

// closedRejection answers a call that came after close: a Promise rejected
// with CLOSED.
func closedRejection(cause error) safejs.Value {
	return wasm.Rejected(jsError{&bridge.Error{Code: bridge.ErrClosed, Message: "the client is closed", Err: cause}})
}
