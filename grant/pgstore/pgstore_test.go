package pgstore_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/grant/pgstore"
	"github.com/goiap/goiap/grant/pgstore/pgtest"
	"github.com/goiap/goiap/tossapi"
)

func open(t *testing.T, dbURL string) *pgstore.Store {
	t.Helper()
	s, err := pgstoreOpen(t, dbURL)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func pgstoreOpen(t *testing.T, dbURL string) (*pgstore.Store, error) {
	return pgstore.Open(t.Context(), pgstore.Config{URL: dbURL})
}

func record(orderID string, user tossapi.UserKey, credit int64) grant.Record {
	return grant.Record{OrderID: orderID, UserKey: user, SKU: "item_coin_100", Credit: credit,
		GrantedAt: time.Now().UTC().Truncate(time.Microsecond)}
}

// Five instances starting at the same moment on an empty database: each
// Open succeeds and every migration is applied once (a second application
// would fail: migrations create tables without IF NOT EXISTS).
func TestMigrationsConcurrentOpens(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Go(func() {
			s, err := pgstore.Open(ctx, pgstore.Config{URL: dbURL, MaxConns: 2})
			errs[i] = err
			if err == nil {
				s.Close()
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "instance %d", i)
	}
	// And again, on a migrated database, with settings in the URL.
	u, err := url.Parse(dbURL)
	require.NoError(t, err)
	q := u.Query()
	q.Set("statement_timeout", "5s")
	q.Set("pool_max_conns", "3")
	u.RawQuery = q.Encode()
	s := open(t, u.String())

	conn, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var super bool
	require.NoError(t, conn.QueryRow(ctx, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&super))
	assert.False(t, super, "the store must run as a role that is not a superuser")
	var n, distinct int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*), count(DISTINCT version) FROM schema_migrations").Scan(&n, &distinct))
	assert.Equal(t, 1, n)
	assert.Equal(t, n, distinct)

	_, _, err = s.Grant(ctx, record("order-1", 1, 100))
	require.NoError(t, err)
}

// Instances race on one order, each with its own pool: one inserts, the
// others wait for its commit and get its row; the wallet moves once.
func TestGrantRaceAcrossInstances(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	ctx := context.Background()
	stores := []*pgstore.Store{open(t, dbURL), open(t, dbURL), open(t, dbURL)}
	const user = tossapi.UserKey(42)
	var wg sync.WaitGroup
	var mu sync.Mutex
	inserted := 0
	for i := range 30 {
		wg.Go(func() {
			r := record("order-race", user, 100)
			r.SKU = "sku-" + string(rune('a'+i%3))
			stored, existed, err := stores[i%3].Grant(ctx, r)
			assert.NoError(t, err)
			assert.Equal(t, "order-race", stored.OrderID)
			mu.Lock()
			defer mu.Unlock()
			if !existed {
				inserted++
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 1, inserted)
	a, err := stores[0].Account(ctx, user)
	require.NoError(t, err)
	assert.Equal(t, grant.Account{Balance: 100, Grants: 1}, a)
	// Every instance sees the same row.
	first, err := stores[0].Record(ctx, "order-race")
	require.NoError(t, err)
	for _, s := range stores[1:] {
		r, err := s.Record(ctx, "order-race")
		require.NoError(t, err)
		assert.Equal(t, first, r)
	}
}

// A session made on one instance is valid on every other.
func TestSessionSharedAcrossInstances(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	ctx := context.Background()
	a, b := open(t, dbURL), open(t, dbURL)
	now := time.Now().UTC().Truncate(time.Microsecond)
	sess := grant.Session{ID: "hash", UserKey: 7, AccessToken: "at", RefreshToken: "rt", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	require.NoError(t, a.CreateSession(ctx, sess))
	got, err := b.Session(ctx, "hash", now)
	require.NoError(t, err)
	assert.Equal(t, sess, got)
	require.NoError(t, b.DeleteSession(ctx, "hash"))
	_, err = a.Session(ctx, "hash", now)
	assert.ErrorIs(t, err, grant.ErrNotFound)
}

// The connection dies in the middle of Grant, after the ledger row was
// inserted and before the wallet moved: Grant fails, nothing of it stays,
// and the retry grants exactly once.
func TestConnectionLossDuringGrant(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	ctx := context.Background()
	// No statement timeout may end the wait before the test does.
	s, err := pgstore.Open(ctx, pgstore.Config{URL: dbURL, StatementTimeout: time.Minute})
	require.NoError(t, err)
	defer s.Close()
	const user = tossapi.UserKey(9)

	// Hold the wallets so that Grant stops between its two writes.
	hold := pgtest.HoldTable(ctx, t, dbURL, "wallets")

	done := make(chan error, 1)
	go func() {
		_, _, err := s.Grant(ctx, record("order-cut", user, 100))
		done <- err
	}()

	// Find Grant's backend waiting on the wallets, its ledger row written.
	var pid int32
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var waiting bool
		if pid, waiting = hold.Waiter(ctx, "INSERT INTO wallets"); waiting {
			break
		}
		if time.Now().After(deadline) {
			select {
			case err := <-done:
				t.Fatalf("Grant returned %v", err)
			default:
			}
			t.Fatalf("Grant is not waiting on the wallets:\n%s", activity(t, hold.Watcher))
		}
	}
	var ok bool
	require.NoError(t, hold.Watcher.QueryRow(ctx, "SELECT pg_terminate_backend($1)", pid).Scan(&ok))
	require.True(t, ok)

	select {
	case err = <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("Grant did not return after its connection was ended")
	}
	require.Error(t, err)
	assert.NotErrorIs(t, err, grant.ErrNotFound)
	require.NoError(t, hold.Release(ctx))

	_, err = s.Record(ctx, "order-cut")
	assert.ErrorIs(t, err, grant.ErrNotFound, "no half row")
	a, err := s.Account(ctx, user)
	require.NoError(t, err)
	assert.Zero(t, a)

	_, existed, err := s.Grant(ctx, record("order-cut", user, 100))
	require.NoError(t, err)
	assert.False(t, existed)
	_, existed, err = s.Grant(ctx, record("order-cut", user, 100))
	require.NoError(t, err)
	assert.True(t, existed)
	a, err = s.Account(ctx, user)
	require.NoError(t, err)
	assert.Equal(t, grant.Account{Balance: 100, Grants: 1}, a)
}

// The database goes away: every call is an error (never ErrNotFound, which
// would read as "no such order" or "not logged in"), nothing is granted
// without being recorded, and once it is back the same grant goes through
// once.
func TestDatabaseDown(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	ctx := context.Background()
	p, viaProxy := pgtest.NewProxy(t, dbURL)
	s, err := pgstore.Open(ctx, pgstore.Config{URL: viaProxy, ConnectTimeout: 2 * time.Second, StatementTimeout: time.Second})
	require.NoError(t, err)
	defer s.Close()
	const user = tossapi.UserKey(5)
	_, _, err = s.Grant(ctx, record("order-before", user, 100))
	require.NoError(t, err)
	now := time.Now()
	require.NoError(t, s.CreateSession(ctx, grant.Session{ID: "sess", UserKey: user, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))

	p.Down()
	start := time.Now()
	_, _, err = s.Grant(ctx, record("order-during", user, 100))
	require.Error(t, err)
	_, err = s.Record(ctx, "order-before")
	require.Error(t, err)
	assert.NotErrorIs(t, err, grant.ErrNotFound)
	_, err = s.Session(ctx, "sess", now)
	require.Error(t, err)
	assert.NotErrorIs(t, err, grant.ErrNotFound)
	_, err = s.Account(ctx, user)
	require.Error(t, err)
	_, err = s.AcquireLease(ctx, "refund-sweep", "a", 10*time.Second, now)
	require.Error(t, err)
	assert.Less(t, time.Since(start), 20*time.Second, "errors come quickly, not after a hang")

	p.Up()
	_, existed, err := s.Grant(ctx, record("order-during", user, 100))
	require.NoError(t, err)
	assert.False(t, existed, "the failed grant left no row")
	a, err := s.Account(ctx, user)
	require.NoError(t, err)
	assert.Equal(t, grant.Account{Balance: 200, Grants: 2}, a)
}

// No server at the address: Open fails within its connect timeout.
func TestOpenNoServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	start := time.Now()
	_, err = pgstore.Open(context.Background(), pgstore.Config{URL: "postgres://nobody:pw@" + addr + "/db?sslmode=disable", ConnectTimeout: 2 * time.Second})
	require.Error(t, err)
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.NotContains(t, err.Error(), ":pw@", "the password stays out of errors")
}

// The URL may carry the pool size and the timeouts; Config overrides them.
func TestConfigFromURL(t *testing.T) {
	_, err := pgstore.Open(context.Background(), pgstore.Config{URL: "postgres://u:secret@127.0.0.1:1/db?statement_timeout=abc"})
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "statement_timeout"), err.Error())
	_, err = pgstore.Open(context.Background(), pgstore.Config{URL: "postgres://u:secret@127.0.0.1:1/db?pool_max_conns=x"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "secret")
	_, err = pgstore.Open(context.Background(), pgstore.Config{URL: "::not a url"})
	require.Error(t, err)
}

// Leases: one holder at a time, renewable by its holder, free once expired.
func TestLeaseAcrossInstances(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	ctx := context.Background()
	a, b := open(t, dbURL), open(t, dbURL)
	now := time.Now()
	ok, err := a.AcquireLease(ctx, "refund-sweep", "a", 10*time.Second, now)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = b.AcquireLease(ctx, "refund-sweep", "b", 10*time.Second, now.Add(5*time.Second))
	require.NoError(t, err)
	require.False(t, ok)
	ok, err = a.AcquireLease(ctx, "refund-sweep", "a", 10*time.Second, now.Add(5*time.Second))
	require.NoError(t, err)
	require.True(t, ok, "renewed until now+15s")
	ok, err = b.AcquireLease(ctx, "refund-sweep", "b", 10*time.Second, now.Add(14*time.Second))
	require.NoError(t, err)
	require.False(t, ok)
	ok, err = b.AcquireLease(ctx, "refund-sweep", "b", 10*time.Second, now.Add(15*time.Second))
	require.NoError(t, err)
	require.True(t, ok, "a died: b takes over when a's lease expires")
}

func activity(t *testing.T, c *pgx.Conn) string {
	rows, err := c.Query(context.Background(), "SELECT pid, state, coalesce(wait_event_type, ''), coalesce(wait_event, ''), query FROM pg_stat_activity WHERE datname = current_database()")
	require.NoError(t, err)
	var out string
	for rows.Next() {
		var pid int32
		var state, wt, we, q string
		require.NoError(t, rows.Scan(&pid, &state, &wt, &we, &q))
		out += fmt.Sprintf("%d %s %s %s %q\n", pid, state, wt, we, q)
	}
	return out
}
