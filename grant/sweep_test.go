package grant_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

// granted grants n paid orders of coin_10 to a new user.
func (e *env) granted(n int) (tossapi.UserKey, []string) {
	e.t.Helper()
	user := e.fake.AddUser()
	c := e.login(user)
	var orders []string
	for range n {
		o := e.fake.AddOrder(user, "coin_10", tossapi.StatusPaymentCompleted)
		require.Equal(e.t, 200, e.call(c, "POST", "/api/grant", grantBody(o, "coin_10")).status)
		orders = append(orders, o)
	}
	return user, orders
}

func TestSweepRevokesOnce(t *testing.T) {
	e := newEnv(t)
	user, orders := e.granted(3)
	e.fake.Refund(orders[1])

	require.NoError(t, e.srv.Sweep(t.Context()))
	revoked := e.revokes()
	require.Len(t, revoked, 1)
	assert.Equal(t, orders[1], revoked[0].OrderID)
	assert.Equal(t, user, revoked[0].UserKey)
	assert.False(t, revoked[0].RevokedAt.IsZero())
	assert.Equal(t, grant.Account{Balance: 20, Grants: 2}, e.account(user), "the refund's credit is taken back")
	assert.Equal(t, 3+3, e.fake.Calls(tossapi.PathOrderStatus), "three grants, then one question each")

	// A second pass at once asks nothing; a later one asks again about the
	// two still granted, and revokes nothing twice.
	require.NoError(t, e.srv.Sweep(t.Context()))
	assert.Equal(t, 6, e.fake.Calls(tossapi.PathOrderStatus))
	e.clock.Add(2 * time.Hour)
	require.NoError(t, e.srv.Sweep(t.Context()))
	assert.Equal(t, 8, e.fake.Calls(tossapi.PathOrderStatus))
	assert.Len(t, e.revokes(), 1, "OnRevoke once per order")
	assert.Equal(t, grant.Account{Balance: 20, Grants: 2}, e.account(user))

	// Past the window nobody is asked.
	e.clock.Add(8 * 24 * time.Hour)
	require.NoError(t, e.srv.Sweep(t.Context()))
	assert.Equal(t, 8, e.fake.Calls(tossapi.PathOrderStatus))

	r := e.call(e.login(user), "POST", "/api/grant", grantBody(orders[1], "coin_10"))
	assert.Equal(t, 409, r.status, "a revoked order is not granted again")
}

func TestSweepBoundedPerPass(t *testing.T) {
	e := newEnv(t, func(c *grant.Config) { c.SweepBatch = 2 })
	_, orders := e.granted(5)
	for _, o := range orders {
		e.fake.Refund(o)
	}
	before := e.fake.Calls(tossapi.PathOrderStatus)
	require.NoError(t, e.srv.Sweep(t.Context()))
	assert.Equal(t, before+2, e.fake.Calls(tossapi.PathOrderStatus))
	assert.Len(t, e.revokes(), 2)
	require.NoError(t, e.srv.Sweep(t.Context()))
	require.NoError(t, e.srv.Sweep(t.Context()))
	assert.Len(t, e.revokes(), 5)
}

// TestSweepOneInstanceAtATime: a second server on the same ledger does not
// sweep while the first holds the lease.
func TestSweepOneInstanceAtATime(t *testing.T) {
	e := newEnv(t)
	_, orders := e.granted(2)
	e.fake.Refund(orders[0])

	toss, err := tossapi.New(e.fake.Config(t))
	require.NoError(t, err)
	var otherRevokes int
	other, err := grant.New(grant.Config{
		Store: e.store, Toss: toss, Now: e.clock.Now, Logger: slog.New(slog.DiscardHandler),
		OnRevoke: func(grant.Record) { otherRevokes++ },
	})
	require.NoError(t, err)

	require.NoError(t, e.srv.Sweep(t.Context()))
	calls := e.fake.Calls(tossapi.PathOrderStatus)
	e.fake.Refund(orders[1])
	e.clock.Add(2 * time.Hour) // due again, the lease (30 s) long expired...
	require.NoError(t, e.srv.Sweep(t.Context()))
	require.NoError(t, other.Sweep(t.Context()), "...but renewed by its holder")
	assert.Zero(t, otherRevokes)
	assert.Equal(t, calls+1, e.fake.Calls(tossapi.PathOrderStatus))
	assert.Len(t, e.revokes(), 2)

	// The holder stops sweeping: once its lease ends, the other takes over.
	e.clock.Add(time.Minute)
	_, later := e.granted(1)
	e.fake.Refund(later[0])
	require.NoError(t, other.Sweep(t.Context()))
	assert.Equal(t, 1, otherRevokes)
	assert.Len(t, e.revokes(), 2)
}

func TestSweepTossDown(t *testing.T) {
	e := newEnv(t)
	user, orders := e.granted(2)
	e.fake.Refund(orders[0])
	e.fake.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, HTTPStatus: 503})
	err := e.srv.Sweep(t.Context())
	assert.ErrorIs(t, err, tossapi.ErrUnavailable)
	assert.Empty(t, e.revokes())
	assert.Equal(t, grant.Account{Balance: 20, Grants: 2}, e.account(user))

	e.fake.ClearFaults()
	require.NoError(t, e.srv.Sweep(t.Context()))
	assert.Len(t, e.revokes(), 1)
	assert.Equal(t, grant.Account{Balance: 10, Grants: 1}, e.account(user))
}

func TestRunSweeper(t *testing.T) {
	e := newEnv(t)
	_, orders := e.granted(1)
	e.fake.Refund(orders[0])
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		e.srv.RunSweeper(ctx, time.Hour) // the first pass runs at once
		close(done)
	}()
	require.Eventually(t, func() bool { return len(e.revokes()) == 1 }, 10*time.Second, 5*time.Millisecond)
	cancel()
	<-done
}
