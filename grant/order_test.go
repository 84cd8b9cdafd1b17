package grant_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

func TestGrantPaid(t *testing.T) {
	for _, st := range []tossapi.Status{tossapi.StatusPaymentCompleted, tossapi.StatusPurchased} {
		t.Run(string(st), func(t *testing.T) {
			e := newEnv(t)
			user := e.fake.AddUser()
			c := e.login(user)
			order := e.fake.AddOrder(user, "coin_100", st)

			r := e.call(c, "POST", "/api/grant", grantBody(order, "coin_100"))
			require.Equal(t, 200, r.status, r.body)
			assert.Equal(t, map[string]any{"granted": true, "orderId": order, "sku": "coin_100"}, r.body)
			assert.Equal(t, grant.Account{Balance: 100, Grants: 1}, e.account(user))
			row, ok := e.ledger(order)
			require.True(t, ok)
			assert.Equal(t, user, row.UserKey)
			assert.Equal(t, int64(100), row.Credit)

			// The repeat answers the same from the ledger, without Toss.
			calls := e.fake.Calls(tossapi.PathOrderStatus)
			r = e.call(c, "POST", "/api/grant", grantBody(order, "coin_100"))
			require.Equal(t, 200, r.status, r.body)
			assert.Equal(t, map[string]any{"granted": true, "orderId": order, "sku": "coin_100"}, r.body)
			assert.Equal(t, calls, e.fake.Calls(tossapi.PathOrderStatus))
			assert.Equal(t, grant.Account{Balance: 100, Grants: 1}, e.account(user))

			r = e.call(c, "GET", "/api/me", "")
			assert.Equal(t, json.Number("1"), r.body["grants"])
			assert.Equal(t, map[string]any{"balance": json.Number("100")}, r.body["wallet"])
		})
	}
}

// TestForgedGrantsRefused: each forgery gets its code and leaves no ledger
// row and no wallet change.
func TestForgedGrantsRefused(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.fake.AddUser(), e.fake.AddUser()
	c := e.login(alice)

	bobsGranted := e.fake.AddOrder(bob, "coin_500", tossapi.StatusPaymentCompleted)
	r := e.call(e.login(bob), "POST", "/api/grant", grantBody(bobsGranted, "coin_500"))
	require.Equal(t, 200, r.status, r.body)

	cases := []struct {
		name    string
		orderID string
		status  int
		code    string
	}{
		{"made-up id", "0193a5b2-7c1d-7e4f-8a9b-0c1d2e3f4a5b", 404, "order_not_found"},
		{"another user's order", e.fake.AddOrder(bob, "coin_100", tossapi.StatusPaymentCompleted), 404, "order_not_found"},
		{"another user's granted order", bobsGranted, 403, "other_user"},
		{"another mini-app's order", e.fake.AddOtherMiniAppOrder(alice, "coin_100", tossapi.StatusPaymentCompleted), 403, "miniapp_mismatch"},
		{"failed", e.fake.AddOrder(alice, "coin_100", tossapi.StatusFailed), 409, "order_failed"},
		{"refunded", e.fake.AddOrder(alice, "coin_100", tossapi.StatusRefunded), 409, "order_refunded"},
		{"in progress", e.fake.AddOrder(alice, "coin_100", tossapi.StatusOrderInProgress), 503, "order_pending"},
		{"error", e.fake.AddOrder(alice, "coin_100", tossapi.StatusError), 503, "order_pending"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call(c, "POST", "/api/grant", grantBody(tc.orderID, "coin_100"))
			assert.Equal(t, tc.status, r.status, r.body)
			assert.Equal(t, tc.code, r.code())
			if tc.status == 503 {
				assert.NotEmpty(t, r.header.Get("Retry-After"))
			}
			if tc.orderID != bobsGranted {
				_, ok := e.ledger(tc.orderID)
				assert.False(t, ok, "no ledger row")
			}
			assert.Equal(t, grant.Account{}, e.account(alice), "no wallet change")
			assert.Equal(t, grant.Account{Balance: 500, Grants: 1}, e.account(bob))
		})
	}

	t.Run("no session", func(t *testing.T) {
		order := e.fake.AddOrder(alice, "coin_100", tossapi.StatusPaymentCompleted)
		calls := e.fake.Calls(tossapi.PathOrderStatus)
		r := e.call(e.browser(), "POST", "/api/grant", grantBody(order, "coin_100"))
		assert.Equal(t, 401, r.status)
		assert.Equal(t, "no_session", r.code())
		assert.Equal(t, calls, e.fake.Calls(tossapi.PathOrderStatus), "Toss is not asked")
		_, ok := e.ledger(order)
		assert.False(t, ok)
	})

	t.Run("replay with another sku", func(t *testing.T) {
		order := e.fake.AddOrder(alice, "coin_10", tossapi.StatusPaymentCompleted)
		r := e.call(c, "POST", "/api/grant", grantBody(order, "coin_10"))
		require.Equal(t, 200, r.status, r.body)
		before := e.account(alice)
		for _, sku := range []string{"coin_1000", "coin_10", "anything"} {
			r = e.call(c, "POST", "/api/grant", grantBody(order, sku))
			assert.Equal(t, 200, r.status, r.body)
			assert.Equal(t, "coin_10", r.body["sku"], "the answer names Toss's sku")
		}
		assert.Equal(t, before, e.account(alice), "no second credit")
		row, _ := e.ledger(order)
		assert.Equal(t, "coin_10", row.SKU)
	})

	t.Run("first request names another sku", func(t *testing.T) {
		order := e.fake.AddOrder(alice, "coin_20", tossapi.StatusPaymentCompleted)
		before := e.account(alice)
		r := e.call(c, "POST", "/api/grant", grantBody(order, "coin_9999"))
		require.Equal(t, 200, r.status, r.body)
		assert.Equal(t, "coin_20", r.body["sku"])
		after := e.account(alice)
		assert.Equal(t, before.Balance+20, after.Balance, "Toss's sku is credited, not the page's")
	})
}

func TestGrantConcurrentRequests(t *testing.T) {
	e := newEnv(t)
	user := e.fake.AddUser()
	c := e.login(user)
	order := e.fake.AddOrder(user, "coin_100", tossapi.StatusPaymentCompleted)

	const n = 100
	results := make([]result, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			results[i] = e.send(c, "POST", "/api/grant", grantBody(order, "coin_100"))
		})
	}
	close(start)
	wg.Wait()
	for i, r := range results {
		require.NoError(t, r.err, "request %d", i)
		assert.Equal(t, 200, r.status, "request %d: %v", i, r.body)
		assert.Equal(t, true, r.body["granted"])
	}
	assert.Equal(t, grant.Account{Balance: 100, Grants: 1}, e.account(user), "one row, one credit")
	assert.Equal(t, 1, e.fake.Calls(tossapi.PathOrderStatus), "the burst asked Toss once")
}

// TestGrantTossDownMidRun: while Toss is down every request is a 503 with
// Retry-After and nothing is recorded; once it is back the same requests
// grant each order exactly once.
func TestGrantTossDownMidRun(t *testing.T) {
	for name, fault := range map[string]tossapitest.Fault{
		"dropped connections": {Path: tossapi.PathOrderStatus, Drop: true},
		"5xx":                 {Path: tossapi.PathOrderStatus, HTTPStatus: 503},
		"over limit":          {Path: tossapi.PathOrderStatus, OverLimit: true, RetryAfterSeconds: 7},
		"FAIL envelope":       {Path: tossapi.PathOrderStatus, Code: "INTERNAL_ERROR", Reason: "down"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			users := []tossapi.UserKey{e.fake.AddUser(), e.fake.AddUser()}
			browsers := []*http.Client{e.login(users[0]), e.login(users[1])}
			var orders []string
			for i := range 6 {
				orders = append(orders, e.fake.AddOrder(users[i%2], fmt.Sprint("coin_", 10*(i+1)), tossapi.StatusPaymentCompleted))
			}
			// Each order four times at once, as retries and reloads would.
			burst := func() []result {
				var wg sync.WaitGroup
				out := make([]result, 4*len(orders))
				for i := range out {
					wg.Go(func() {
						k := i % len(orders)
						out[i] = e.send(browsers[k%2], "POST", "/api/grant", grantBody(orders[k], "coin_1"))
					})
				}
				wg.Wait()
				return out
			}

			// Two orders are granted before Toss goes down: their repeats
			// are still answered, from the ledger.
			for _, k := range []int{0, 1} {
				require.Equal(t, 200, e.call(browsers[k], "POST", "/api/grant", grantBody(orders[k], "coin_1")).status)
			}
			e.fake.Inject(fault)
			for i, r := range burst() {
				require.NoError(t, r.err)
				if k := i % len(orders); k < 2 {
					assert.Equal(t, 200, r.status, r.body)
					continue
				}
				assert.Equal(t, 503, r.status, r.body)
				assert.Equal(t, "toss_unavailable", r.code())
				assert.NotEmpty(t, r.header.Get("Retry-After"))
			}
			assert.Equal(t, grant.Account{Balance: 10, Grants: 1}, e.account(users[0]), "nothing more granted while Toss is down")
			assert.Equal(t, grant.Account{Balance: 20, Grants: 1}, e.account(users[1]))

			e.fake.ClearFaults()
			for _, r := range burst() {
				require.NoError(t, r.err)
				assert.Equal(t, 200, r.status, r.body)
			}
			assert.Equal(t, grant.Account{Balance: 10 + 30 + 50, Grants: 3}, e.account(users[0]))
			assert.Equal(t, grant.Account{Balance: 20 + 40 + 60, Grants: 3}, e.account(users[1]))
		})
	}
}

func TestGrantOverLimitRetryAfter(t *testing.T) {
	e := newEnv(t)
	user := e.fake.AddUser()
	c := e.login(user)
	order := e.fake.AddOrder(user, "coin_1", tossapi.StatusPaymentCompleted)
	e.fake.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, OverLimit: true, RetryAfterSeconds: 42})
	r := e.call(c, "POST", "/api/grant", grantBody(order, "coin_1"))
	assert.Equal(t, 503, r.status)
	assert.Equal(t, "42", r.header.Get("Retry-After"), "Toss's wait is passed on")
}

func TestGrantRevokedOrderIsRefused(t *testing.T) {
	e := newEnv(t)
	user := e.fake.AddUser()
	c := e.login(user)
	order := e.fake.AddOrder(user, "coin_5", tossapi.StatusPaymentCompleted)
	require.Equal(t, 200, e.call(c, "POST", "/api/grant", grantBody(order, "coin_5")).status)
	_, err := e.store.Revoke(t.Context(), order, e.clock.Now())
	require.NoError(t, err)
	r := e.call(c, "POST", "/api/grant", grantBody(order, "coin_5"))
	assert.Equal(t, 409, r.status)
	assert.Equal(t, "order_refunded", r.code())
	assert.Equal(t, grant.Account{}, e.account(user))
}

// TestGrantOutlivesItsCaller: a page that gives up while Toss is slow does
// not cut the grant short; its retry finds the order granted, once.
func TestGrantOutlivesItsCaller(t *testing.T) {
	e := newEnv(t)
	user := e.fake.AddUser()
	c := e.login(user)
	order := e.fake.AddOrder(user, "coin_100", tossapi.StatusPaymentCompleted)
	e.fake.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, Times: 1, Latency: 300 * time.Millisecond})

	impatient := *c
	impatient.Timeout = 50 * time.Millisecond
	r := e.send(&impatient, "POST", "/api/grant", grantBody(order, "coin_100"))
	require.Error(t, r.err, "the caller gave up")

	require.Eventually(t, func() bool { _, err := e.store.Record(t.Context(), order); return err == nil }, 10*time.Second, 10*time.Millisecond)
	r = e.call(c, "POST", "/api/grant", grantBody(order, "coin_100"))
	assert.Equal(t, 200, r.status, r.body)
	assert.Equal(t, grant.Account{Balance: 100, Grants: 1}, e.account(user))
	assert.Equal(t, 1, e.fake.Calls(tossapi.PathOrderStatus))
}
