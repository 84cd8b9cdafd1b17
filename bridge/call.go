//go:build js && wasm

package bridge

import (
	"context"
	"errors"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/internal/gates"
	"github.com/goiap/goiap/internal/wasm"
)

// call runs one of the SDK's Promise calls: it checks the method exists and
// the app is new enough, then awaits the answer under ctx. Below its
// version an app answers undefined or never; both become typed errors (the
// second only if ctx has a deadline, so give one).
func (c *Client) call(ctx context.Context, name string, min gates.MinVersion, args ...any) (wasm.Value, *Error) {
	if err := c.open(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, newError(ErrAborted, "cancelled before "+name, "", err)
	}
	m, err := c.method(name)
	if err != nil {
		return nil, err
	}
	if err := c.require(min, "IAP."+name); err != nil {
		return nil, err
	}
	pending, perr := m.Invoke(args...)
	if perr != nil {
		return nil, newError(ErrSDKUnavailable, "IAP."+name+" threw: "+perr.Error(), "", perr)
	}
	v, aerr := c.await(ctx, pending)
	var jerr *wasm.Error
	switch {
	case aerr == nil:
	case errors.As(aerr, &jerr):
		return nil, errorFromJS(jerr.Raw, "")
	case errors.Is(aerr, wasm.ErrClosed):
		return nil, newError(ErrClosed, "the client is closed", "", aerr)
	default: // the context
		return nil, c.cancelled("IAP."+name+" was cancelled: "+aerr.Error(), aerr)
	}
	got := wasm.JS(v)
	if got.Type() == wasm.TypeUndefined {
		return nil, newError(ErrUnsupportedAppVersion, "the app answered IAP."+name+" with undefined, as apps older than "+min.String()+" do", "", nil)
	}
	return got, nil
}

// callDecode is call, then decode of the answer, which is ErrInvalidResponse
// when it has the wrong shape. Its errors name orderID, when not "".
func callDecode[T any](ctx context.Context, c *Client, name string, min gates.MinVersion, orderID string, decode func(wasm.Value) (T, error), args ...any) (T, error) {
	var zero T
	v, err := c.call(ctx, name, min, args...)
	if err == nil {
		out, derr := decode(v)
		if derr == nil {
			return out, nil
		}
		err = invalid(name, derr)
	}
	if orderID != "" {
		err.OrderID = orderID
	}
	return zero, err
}

// await is cbs.Await under ctx, ended early by Close too (its error is
// then the context's, which cancelled reads as ErrClosed).
func (c *Client) await(ctx context.Context, p safejs.Value) (safejs.Value, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(c.closedCtx, cancel)()
	return c.cbs.Await(ctx, p)
}

// open fails once the client is closed.
func (c *Client) open() *Error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return newError(ErrClosed, "the client is closed", "", nil)
	}
	return nil
}

// cancelled is the error of a call whose context ended: ErrClosed when
// Close ended it (a call in flight rejects with CLOSED, as a purchase does),
// else ErrAborted.
func (c *Client) cancelled(msg string, cause error) *Error {
	if c.open() != nil {
		return newError(ErrClosed, "the client was closed", "", cause)
	}
	return newError(ErrAborted, msg, "", cause)
}

// invalid wraps a decoding error of the app's answer.
func invalid(name string, err error) *Error {
	return newError(ErrInvalidResponse, "IAP."+name+" answered malformed data: "+err.Error(), "", err)
}
