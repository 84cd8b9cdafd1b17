//go:build !js && !wasip1

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/grant/pgstore/pgtest"
	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

// Three server processes on one PostgreSQL ledger and one Toss: each of 30
// paid orders is sent ten times at once across all three while one
// instance is SIGKILLed and restarted. Every request is answered 200,
// 409 or 503, or not at all by the killed instance (refused, or cut when
// it died); afterwards every order is granted, once: 30 ledger rows and 30
// credits.
func TestMultiInstanceKill(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()

	sim := tossapitest.NewServer()
	defer sim.Close()
	bin := buildServer(t)
	args := append(serverArgs(t, sim, dbURL), "-refund-sweep", "1s")

	instances := make([]*instance, 3)
	urls := make([]string, 3) // an instance keeps its address across the restart
	for i := range instances {
		instances[i] = mustStart(t, bin, "127.0.0.1:0", args)
		urls[i] = instances[i].url()
	}
	defer func() {
		for _, in := range instances {
			in.stop()
		}
		if t.Failed() {
			for i, in := range instances {
				t.Logf("instance %d log:\n%s", i, in.log())
			}
		}
	}()

	// Three users, logged in once each on instance 0: the sessions are in
	// the database, so the other instances accept them.
	const perUser, repeats = 10, 10
	users := []tossapi.UserKey{sim.AddUser(), sim.AddUser(), sim.AddUser()}
	cookies := map[tossapi.UserKey]string{}
	client := &http.Client{Timeout: 20 * time.Second}
	for _, u := range users {
		cookies[u] = login(t, client, urls[0], sim.NewLoginCode(u))
	}
	type order struct {
		id   string
		user tossapi.UserKey
	}
	var orders []order
	for _, u := range users {
		for range perUser {
			orders = append(orders, order{sim.AddOrder(u, "item_coin_100", tossapi.StatusPaymentCompleted), u})
		}
	}

	// The storm: order i's ten requests go out together, across the three
	// instances, 20 ms after order i-1's. Instance 1 is killed while order
	// 8's go out and restarted on the same address.
	type outcome struct {
		order, instance int
		status          int
		err             error
		body            string
	}
	var mu sync.Mutex
	var outcomes []outcome
	var wg sync.WaitGroup
	const victim = 1
	killed := make(chan struct{})
	var restart *instance
	var restartErr error
	restarted := make(chan struct{})
	go func() {
		defer close(restarted)
		<-killed
		instances[victim].kill()
		time.Sleep(150 * time.Millisecond) // requests meanwhile are refused
		restart, restartErr = startInstance(t, bin, instances[victim].addr, args)
	}()
	for i, o := range orders {
		if i == 8 {
			close(killed)
		}
		for j := range repeats {
			n := (i + j) % 3
			base := urls[n]
			wg.Go(func() {
				status, body, err := postGrant(ctx, client, base, cookies[o.user], o.id)
				mu.Lock()
				outcomes = append(outcomes, outcome{i, n, status, err, body})
				mu.Unlock()
			})
		}
		time.Sleep(20 * time.Millisecond)
	}
	wg.Wait()
	<-restarted
	require.NoError(t, restartErr)
	instances[victim] = restart

	counts := map[string]int{}
	for _, oc := range outcomes {
		switch {
		case oc.err != nil:
			require.Equal(t, victim, oc.instance, "only the killed instance may fail to answer: order %d: %v", oc.order, oc.err)
			require.True(t, dropped(oc.err), "order %d: %v", oc.order, oc.err)
			if errors.Is(oc.err, syscall.ECONNREFUSED) {
				counts["refused"]++
			} else {
				counts["cut by the kill"]++
			}
		case oc.status == http.StatusOK:
			var g struct {
				Granted bool   `json:"granted"`
				OrderID string `json:"orderId"`
			}
			require.NoError(t, json.Unmarshal([]byte(oc.body), &g))
			require.True(t, g.Granted, oc.body)
			require.Equal(t, orders[oc.order].id, g.OrderID)
			counts["200"]++
		case oc.status == http.StatusConflict || oc.status == http.StatusServiceUnavailable:
			counts[fmt.Sprint(oc.status)]++
		default:
			t.Fatalf("order %d on instance %d: %d %s", oc.order, oc.instance, oc.status, oc.body)
		}
	}
	t.Logf("%d requests: %v", len(outcomes), counts)
	require.Len(t, outcomes, len(orders)*repeats)
	assert.Positive(t, counts["refused"]+counts["cut by the kill"], "the kill fell outside the storm")

	// Recovery, as recover() on the page would: each order once more, on
	// its instance, until it is granted. The restarted instance serves too.
	for i, o := range orders {
		base := urls[i%3]
		for try := 0; ; try++ {
			status, body, err := postGrant(ctx, client, base, cookies[o.user], o.id)
			if err == nil && status == http.StatusOK {
				break
			}
			require.Less(t, try, 50, "order %d never granted: %d %s %v", i, status, body, err)
			time.Sleep(100 * time.Millisecond)
		}
	}

	// The ledger: 30 rows, each order once, and 30 credits.
	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var rows, distinct int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*), count(DISTINCT order_id) FROM grants").Scan(&rows, &distinct))
	assert.Equal(t, len(orders), rows)
	assert.Equal(t, len(orders), distinct)
	for _, u := range users {
		var balance int64
		var grants int
		require.NoError(t, conn.QueryRow(ctx, "SELECT balance, grants FROM wallets WHERE user_key = $1", int64(u)).Scan(&balance, &grants))
		assert.Equal(t, int64(perUser*100), balance, "user %s: one credit per order", u)
		assert.Equal(t, perUser, grants)
		var n int
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM grants WHERE user_key = $1 AND credit = 100", int64(u)).Scan(&n))
		assert.Equal(t, perUser, n)
	}
	// GET /api/me on the restarted instance reads the shared ledger.
	me := getMe(t, client, urls[victim], cookies[users[0]])
	assert.EqualValues(t, perUser, me["grants"], "%v", me)
}

// An instance killed inside its grant transaction (ledger row written,
// credit not yet) leaves nothing: PostgreSQL rolls the transaction back
// when the process's connection drops, and the order is granted at once,
// once, by another instance.
func TestKilledMidTransaction(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	sim := tossapitest.NewServer()
	defer sim.Close()
	bin := buildServer(t)
	args := append(serverArgs(t, sim, dbURL), "-refund-sweep", "0", "-db-statement-timeout", "1m")
	doomed, survivor := mustStart(t, bin, "127.0.0.1:0", args), mustStart(t, bin, "127.0.0.1:0", args)
	defer func() {
		doomed.stop()
		survivor.stop()
		if t.Failed() {
			t.Logf("killed instance:\n%s\nsurvivor:\n%s", doomed.log(), survivor.log())
		}
	}()
	client := &http.Client{Timeout: 30 * time.Second}
	user := sim.AddUser()
	cookie := login(t, client, survivor.url(), sim.NewLoginCode(user))
	order := sim.AddOrder(user, "item_coin_100", tossapi.StatusPaymentCompleted)

	// Hold the wallets: the doomed instance's grant stops after its row.
	hold := pgtest.HoldTable(ctx, t, dbURL, "wallets")
	watcher := hold.Watcher

	answered := make(chan error, 1)
	go func() {
		_, _, err := postGrant(ctx, client, doomed.url(), cookie, order)
		answered <- err
	}()
	require.Eventually(t, func() bool {
		_, waiting := hold.Waiter(ctx, "INSERT INTO wallets")
		return waiting
	}, 20*time.Second, 20*time.Millisecond, "the grant never reached the wallets")
	doomed.kill()
	require.Error(t, <-answered, "a killed instance answers nothing")
	require.NoError(t, hold.Release(ctx))

	// The dead transaction is gone, not waiting for a timeout.
	require.Eventually(t, func() bool {
		var n int
		err := watcher.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
			  AND pid <> $1`, hold.LockerPID()).Scan(&n)
		return err == nil && n == 0
	}, 5*time.Second, 20*time.Millisecond, "the killed instance's transaction outlived it")
	var rows int
	require.NoError(t, watcher.QueryRow(ctx, "SELECT count(*) FROM grants").Scan(&rows))
	assert.Zero(t, rows, "no half-done grant")

	start := time.Now()
	status, body, err := postGrant(ctx, client, survivor.url(), cookie, order)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, body)
	assert.Less(t, time.Since(start), 10*time.Second)
	status, body, err = postGrant(ctx, client, survivor.url(), cookie, order)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, body)
	rows, balance := ledgerTotals(ctx, t, watcher, user)
	assert.Equal(t, 1, rows)
	assert.EqualValues(t, 100, balance)
}

// The database goes away under a running server: grants and /api/me answer
// 503 with Retry-After, nothing is granted that is not recorded, and once
// the database is back the same request grants the order, once.
func TestDatabaseDownAnswers503(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	proxy, viaProxy := pgtest.NewProxy(t, dbURL)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	sim := tossapitest.NewServer()
	defer sim.Close()
	in := mustStart(t, buildServer(t), "127.0.0.1:0", append(serverArgs(t, sim, viaProxy),
		"-refund-sweep", "0", "-db-connect-timeout", "2s", "-db-statement-timeout", "2s"))
	defer func() {
		in.stop()
		if t.Failed() {
			t.Logf("server log:\n%s", in.log())
		}
	}()
	client := &http.Client{Timeout: 20 * time.Second}
	user := sim.AddUser()
	cookie := login(t, client, in.url(), sim.NewLoginCode(user))
	first := sim.AddOrder(user, "item_coin_100", tossapi.StatusPaymentCompleted)
	status, body, err := postGrant(ctx, client, in.url(), cookie, first)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, body)

	proxy.Down()
	second := sim.AddOrder(user, "item_coin_100", tossapi.StatusPaymentCompleted)
	for _, id := range []string{first, second} {
		resp := postGrantResponse(t, ctx, client, in.url(), cookie, id)
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "order %s", id)
		assert.NotEmpty(t, resp.Header.Get("Retry-After"))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, in.url()+"/api/me", nil)
	require.NoError(t, err)
	req.Header.Set("Cookie", cookie)
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "/api/me without its database")

	proxy.Up()
	status, body, err = postGrant(ctx, client, in.url(), cookie, second)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, body)
	me := getMe(t, client, in.url(), cookie)
	assert.EqualValues(t, 2, me["grants"], "%v", me)

	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, balance := ledgerTotals(ctx, t, conn, user)
	assert.Equal(t, 2, rows)
	assert.EqualValues(t, 200, balance)
}

// Three instances sweep for refunds on one ledger: the lease lets one ask
// Toss at a time, and each refunded order is revoked once, its credit taken
// back once, whichever instance saw it.
func TestRefundSweepAcrossInstances(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	sim := tossapitest.NewServer()
	defer sim.Close()
	bin := buildServer(t)
	// Dev mode asks Toss about an order again at every pass.
	args := append(serverArgs(t, sim, dbURL), "-dev", "-refund-sweep", "200ms")
	var instances []*instance
	defer func() {
		for i, in := range instances {
			in.stop()
			if t.Failed() {
				t.Logf("instance %d log:\n%s", i, in.log())
			}
		}
	}()
	for range 3 {
		instances = append(instances, mustStart(t, bin, "127.0.0.1:0", args))
	}
	client := &http.Client{Timeout: 20 * time.Second}
	user := sim.AddUser()
	cookie := login(t, client, instances[0].url(), sim.NewLoginCode(user))
	var orders []string
	for i := range 10 {
		id := sim.AddOrder(user, "item_coin_100", tossapi.StatusPaymentCompleted)
		status, body, err := postGrant(ctx, client, instances[i%3].url(), cookie, id)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, status, body)
		orders = append(orders, id)
	}
	refunded := orders[:4]
	for _, id := range refunded {
		sim.Refund(id)
	}

	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	revokedRows := func() int {
		var n int
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM grants WHERE revoked_at IS NOT NULL").Scan(&n))
		return n
	}
	require.Eventually(t, func() bool { return revokedRows() == len(refunded) }, 20*time.Second, 50*time.Millisecond)
	// More passes change nothing.
	time.Sleep(time.Second)
	assert.Equal(t, len(refunded), revokedRows())
	me := getMe(t, client, instances[2].url(), cookie)
	assert.EqualValues(t, 6, me["grants"], "%v", me)
	_, balance := ledgerTotals(ctx, t, conn, user)
	assert.EqualValues(t, 600, balance, "each refund debited once")

	// The revoke hook ran once per refunded order, across the instances.
	hooks := 0
	for _, in := range instances {
		hooks += strings.Count(in.log(), "revoked refunded order")
	}
	assert.Equal(t, len(refunded), hooks)
}

// ledgerTotals reads the ledger's rows and the user's wallet balance.
func ledgerTotals(ctx context.Context, t *testing.T, conn *pgx.Conn, user tossapi.UserKey) (rows int, balance int64) {
	t.Helper()
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM grants").Scan(&rows))
	require.NoError(t, conn.QueryRow(ctx, "SELECT balance FROM wallets WHERE user_key = $1", int64(user)).Scan(&balance))
	return rows, balance
}
