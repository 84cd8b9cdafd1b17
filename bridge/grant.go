//go:build js && wasm

package bridge

import (
	"context"
	"time"

	"github.com/goiap/goiap/internal/wasm"
)

// GrantFunc gives the user what they paid for: it is called once per order
// after the payment, in its own goroutine, with a context that ends at the
// grant deadline. It reports whether the item was granted. Returning an
// error, panicking or running past the deadline all count as false: the
// order then stays pending in the app and can be recovered.
//
// Grant by orderID idempotently on your server: an order answered false
// after your server did grant it (a timeout) will be offered again.
type GrantFunc func(ctx context.Context, orderID string) (bool, error)

// grantCall is one grant of one order: a repeated "purchased" event for the
// same order, or a recovery meeting it, waits on it instead of granting
// again (see Client.startGrant).
type grantCall struct {
	done chan struct{}
	ok   bool
}

// runGrant runs grant under timeout and always comes back with an answer.
func runGrant(grant func(ctx context.Context) (bool, error), timeout time.Duration) bool {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	// After cancel, a timer due in 1 ms: the js/wasm runtime leaves the JS
	// timeout of a stopped timer set, and a 25 s deadline that a 10 ms grant
	// stopped would keep Node alive for 25 s; the new timer replaces it.
	defer time.AfterFunc(time.Millisecond, func() {})
	defer cancel()
	answer := make(chan bool, 1) // buffered: a grant that outlives its deadline must not leak blocked
	go func() {
		ok := false
		var err error
		if perr := wasm.Catch(func() { ok, err = grant(ctx) }); perr != nil {
			err = perr
		}
		answer <- ok && err == nil
	}()
	select {
	case ok := <-answer:
		return ok
	case <-ctx.Done():
		return false
	}
}
