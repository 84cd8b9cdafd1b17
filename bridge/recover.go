//go:build js && wasm

package bridge

import (
	"context"

	"github.com/goiap/goiap/internal/gates"
)

// RecoveryGrantFunc grants one pending order during recovery; the rules of
// GrantFunc apply (grant idempotently by order id).
type RecoveryGrantFunc func(ctx context.Context, order PendingOrder) (bool, error)

// recovery is the run in progress, which a second Recover joins.
type recovery struct {
	done chan struct{}
	res  Recovery
	err  error
}

// Recover grants every pending order: for each one it runs grant and,
// only when that says true, calls completeProductGrant. A failed grant is
// reported and the order stays pending. Running it again grants nothing
// twice (completed orders are no longer pending), and two recoveries never
// run at once: a call while one runs waits for it and gets its result.
// Orders whose grant a purchase of this client is running are left alone.
// Cancelling ctx ends it at once with ErrAborted, without waiting for a
// grant in flight (which still runs); the Recovery says what was done.
//
// Mini-apps should call it on every entry, as the Toss docs ask.
func (c *Client) Recover(ctx context.Context, grant RecoveryGrantFunc) (Recovery, error) {
	if grant == nil {
		return Recovery{}, newError(ErrUnknown, "no grant function given", "", nil)
	}
	c.mu.Lock()
	for c.recovering != nil {
		r := c.recovering
		c.mu.Unlock()
		select {
		case <-r.done:
		case <-ctx.Done():
			return Recovery{}, c.cancelled("cancelled while waiting for a recovery", ctx.Err())
		}
		// The run we joined was cancelled by its own caller, not by us: run
		// again rather than hand over someone else's ABORTED.
		if CodeOf(r.err) != ErrAborted || ctx.Err() != nil {
			return r.res, r.err
		}
		c.mu.Lock()
	}
	r := &recovery{done: make(chan struct{})}
	c.recovering = r
	c.mu.Unlock()

	r.res, r.err = c.recover(ctx, grant)
	c.mu.Lock()
	c.recovering = nil
	c.forgetIfIdleLocked()
	c.mu.Unlock()
	close(r.done)
	return r.res, r.err
}

func (c *Client) recover(ctx context.Context, grant RecoveryGrantFunc) (Recovery, error) {
	res := Recovery{Granted: []string{}, Failed: []RecoveryFailure{}}
	// Check both gates first, so an old app fails whole instead of granting
	// orders it cannot complete.
	if err := c.require(gates.CompleteProductGrant, "recovery (completeProductGrant)"); err != nil {
		return res, err
	}
	pending, err := c.PendingOrders(ctx)
	if err != nil {
		return res, err
	}
	for _, o := range pending {
		if ctx.Err() != nil {
			res.Failed = append(res.Failed, RecoveryFailure{OrderID: o.OrderID, Code: ErrAborted, Err: ctx.Err()})
			continue
		}
		if c.grantRunning(o.OrderID) {
			res.Failed = append(res.Failed, RecoveryFailure{OrderID: o.OrderID, Code: ErrPurchaseInProgress})
			continue
		}
		ok, waited := c.recoveryGrant(ctx, o, grant)
		if !waited {
			res.Failed = append(res.Failed, RecoveryFailure{OrderID: o.OrderID, Code: ErrAborted, Err: ctx.Err()})
			continue
		}
		if !ok {
			res.Failed = append(res.Failed, RecoveryFailure{OrderID: o.OrderID, Code: ErrProductNotGrantedByPartner})
			continue
		}
		if err := c.CompleteProductGrant(ctx, o.OrderID); err != nil {
			res.Failed = append(res.Failed, RecoveryFailure{OrderID: o.OrderID, Code: CodeOf(err), Err: err})
			continue
		}
		c.forgetGranted(o.OrderID)
		res.Granted = append(res.Granted, o.OrderID)
	}
	// A cancelled recovery fails whole, as every cancelled call does; what
	// it did is still in res, and the orders it did not finish stay pending.
	if err := ctx.Err(); err != nil {
		return res, c.cancelled("the recovery was cancelled", err)
	}
	return res, nil
}

// recoveryGrant runs grant for one order and waits for its answer, or for
// ctx: a cancelled recovery must not wait out a hung grant endpoint. The
// grant itself is never cancelled (it may have granted already); it runs to
// its own deadline, counted in Stats, and the order stays pending until a
// later recovery completes it. waited is false when ctx ended first. An
// order this client granted already (the app had not taken the purchase's
// grant report yet, or gave up waiting for it) is not asked again.
func (c *Client) recoveryGrant(ctx context.Context, o PendingOrder, grant RecoveryGrantFunc) (ok, waited bool) {
	g, run := c.startGrant(o.OrderID, func() bool {
		return runGrant(func(ctx context.Context) (bool, error) { return grant(ctx, o) }, c.grantTimeout)
	})
	if run != nil {
		go run()
	}
	select {
	case <-g.done:
		return g.ok, true
	case <-ctx.Done():
		return false, false
	}
}

// forgetGranted drops the memory that a grant of orderID answered true,
// once the app has the order as completed: without it the set would grow
// by one order per purchase for the client's whole life. The mark stays
// while a recovery or a purchase is in flight (see forgetIfIdleLocked).
func (c *Client) forgetGranted(orderID string) {
	c.mu.Lock()
	c.forgetLater = append(c.forgetLater, orderID)
	c.forgetIfIdleLocked()
	c.mu.Unlock()
}

// forgetIfIdleLocked drops the marks forgetGranted was given once neither a
// recovery nor a purchase is in flight: a recovery may hold a pending list
// read before the app completed the order, and the purchase in flight may
// be the order's own, its "purchased" event still on the way; without the
// mark either would ask the partner again. c.mu is held.
func (c *Client) forgetIfIdleLocked() {
	if c.recovering != nil || c.active != nil || len(c.forgetLater) == 0 {
		return
	}
	for _, id := range c.forgetLater {
		delete(c.granted, id)
	}
	c.forgetLater = c.forgetLater[:0]
}

// grantRunning tells whether a purchase of this client is granting orderID
// right now (even one that settled, after an abort).
func (c *Client) grantRunning(orderID string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.grants[orderID] != nil
}

// startGrant registers a grant for orderID and returns run, which the caller
// must call (in a goroutine of its choice) when it is not nil; the grant is
// counted in Stats until it ends. This is so that one client asks the
// partner about an order once at a time and never again after a yes: while
// a grant of the order runs (a purchase's or a recovery's) a second one
// joins it, and an order a grant of this client answered true is answered
// true at once. The app may still list such an order pending (it had not
// taken the purchase's grant report yet, it gave up waiting for it, or
// completeProductGrant failed). So the partner is asked again only after it
// refused or failed.
func (c *Client) startGrant(orderID string, grant func() bool) (g *grantCall, run func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g := c.grants[orderID]; g != nil {
		return g, nil
	}
	g = &grantCall{done: make(chan struct{})}
	if c.granted[orderID] {
		g.ok = true
		close(g.done)
		return g, nil
	}
	c.grants[orderID] = g
	c.running.Add(1)
	return g, func() {
		ok := grant()
		c.mu.Lock()
		delete(c.grants, orderID)
		if ok {
			c.granted[orderID] = true
		}
		c.mu.Unlock()
		g.ok = ok
		close(g.done)
		c.running.Add(-1)
	}
}
