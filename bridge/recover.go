//go:build js && wasm

package bridge

import "context"

// RecoveryGrantFunc grants one pending order during recovery; the rules of
// GrantFunc apply (grant idempotently by order id).
type RecoveryGrantFunc func(ctx context.Context, order PendingOrder) (bool, error)

// Recovery is what one Recover did.
type Recovery struct {
	Granted []string          // granted and completed
	Failed  []RecoveryFailure // still pending
}

// RecoveryFailure is an order Recover could not finish; it stays pending
// and the next Recover tries it again.
type RecoveryFailure struct {
	OrderID string
	Code    Code
	Err     error
}

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
//
// Mini-apps should call it on every entry, as the Toss docs ask.
func (c *Client) Recover(ctx context.Context, grant RecoveryGrantFunc) (Recovery, error) {
	if grant == nil {
		return Recovery{}, newError(ErrUnknown, "no grant function given", "", nil)
	}
	c.mu.Lock()
	if r := c.recovering; r != nil {
		c.mu.Unlock()
		select {
		case <-r.done:
			return r.res, r.err
		case <-ctx.Done():
			return Recovery{}, newError(ErrAborted, "cancelled while waiting for a recovery", "", ctx.Err())
		}
	}
	r := &recovery{done: make(chan struct{})}
	c.recovering = r
	c.mu.Unlock()

	r.res, r.err = c.recover(ctx, grant)
	c.mu.Lock()
	c.recovering = nil
	c.mu.Unlock()
	close(r.done)
	return r.res, r.err
}

func (c *Client) recover(ctx context.Context, grant RecoveryGrantFunc) (Recovery, error) {
	res := Recovery{Granted: []string{}, Failed: []RecoveryFailure{}}
	// Check both gates first, so an old app fails whole instead of granting
	// orders it cannot complete.
	if err := c.require(MinCompleteProductGrant, "recovery (completeProductGrant)"); err != nil {
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
		order := o
		c.markGranting(o.OrderID, 1)
		ok := runGrant(func(ctx context.Context) (bool, error) { return grant(ctx, order) }, c.grantTimeout)
		c.markGranting(o.OrderID, -1)
		if !ok {
			res.Failed = append(res.Failed, RecoveryFailure{OrderID: o.OrderID, Code: ErrProductNotGrantedByPartner})
			continue
		}
		if err := c.CompleteProductGrant(ctx, o.OrderID); err != nil {
			res.Failed = append(res.Failed, RecoveryFailure{OrderID: o.OrderID, Code: CodeOf(err), Err: err})
			continue
		}
		res.Granted = append(res.Granted, o.OrderID)
	}
	return res, nil
}

// grantRunning tells whether a purchase of this client is granting orderID
// right now (even one that settled, after an abort).
func (c *Client) grantRunning(orderID string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.granting[orderID] > 0
}

// markGranting marks a grant of orderID running (+1) or done (-1).
func (c *Client) markGranting(orderID string, delta int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.granting == nil {
		c.granting = map[string]int{}
	}
	c.granting[orderID] += delta
	if c.granting[orderID] <= 0 {
		delete(c.granting, orderID)
	}
	c.running.Add(int64(delta))
}
