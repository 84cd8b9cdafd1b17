//go:build js && wasm

package bridge

import (
	"context"
	"errors"
	"time"

	"github.com/goiap/goiap/internal/gates"
)

// OneTimePurchaseOptions describe one checkout.
type OneTimePurchaseOptions struct {
	SKU   string
	Grant GrantFunc // required
	// GrantTimeout bounds Grant; 0 means the client's (DefaultGrantTimeout
	// unless WithGrantTimeout said otherwise).
	GrantTimeout time.Duration
	// OnSuccess or OnError is called exactly once, in its own goroutine,
	// unless CreateOneTimePurchaseOrder returned an error.
	OnSuccess func(Result)
	OnError   func(*Error)
}

// CreateOneTimePurchaseOrder opens the checkout for one product, as
// IAP.createOneTimePurchaseOrder does, and returns its cleanup.
//
// It fails at once, posting nothing to the app, with ErrInvalidSKU,
// ErrPurchaseInProgress, ErrUnsupportedAppVersion, ErrSDKUnavailable or
// ErrClosed. Otherwise the outcome comes to OnSuccess or OnError.
//
// The cleanup is idempotent. The client calls it by itself when the flow
// settles; calling it before ends the flow with ErrAborted (a grant that has
// started still runs and is reported to the app).
func (c *Client) CreateOneTimePurchaseOrder(o OneTimePurchaseOptions) (cleanup func(), err error) {
	var grant func(ctx context.Context, orderID, _ string) (bool, error)
	if o.Grant != nil {
		grant = func(ctx context.Context, orderID, _ string) (bool, error) { return o.Grant(ctx, orderID) }
	}
	return c.start(flowSpec{
		method:   "createOneTimePurchaseOrder",
		min:      gates.OneTimePurchase,
		what:     "a one-time purchase",
		sku:      o.SKU,
		grant:    grant,
		timeout:  o.GrantTimeout,
		legacyOK: true,
		success:  o.OnSuccess,
		fail:     o.OnError,
	})
}

// Purchase is CreateOneTimePurchaseOrder for a goroutine: it blocks until
// the purchase settles. Cancelling ctx ends it with ErrAborted and cleans
// up; it never cancels a grant that has started.
func (c *Client) Purchase(ctx context.Context, sku string, grant GrantFunc) (Result, error) {
	return c.wait(ctx, func(success func(Result), fail func(*Error)) (func(), error) {
		return c.CreateOneTimePurchaseOrder(OneTimePurchaseOptions{SKU: sku, Grant: grant, OnSuccess: success, OnError: fail})
	})
}

// wait runs a callback-style flow to its end, or until ctx is done.
func (c *Client) wait(ctx context.Context, open func(func(Result), func(*Error)) (func(), error)) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, newError(ErrAborted, "cancelled before it started", "", err)
	}
	type outcome struct {
		res Result
		err error
	}
	done := make(chan outcome, 1)
	cleanup, err := open(
		func(r Result) { done <- outcome{res: r} },
		func(e *Error) { done <- outcome{err: e} },
	)
	if err != nil {
		return Result{}, err
	}
	select {
	case o := <-done:
		return o.res, o.err
	case <-ctx.Done():
		cleanup()
		o := <-done // whatever settled first: the abort, or an outcome that raced it
		var e *Error
		if errors.As(o.err, &e) && e.Code == ErrAborted {
			e.Err = ctx.Err()
		}
		return o.res, o.err
	}
}
