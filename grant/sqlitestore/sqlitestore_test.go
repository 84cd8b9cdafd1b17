package sqlitestore_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/grant/sqlitestore"
	"github.com/goiap/goiap/grant/storetest"
	"github.com/goiap/goiap/tossapi"
)

func open(t *testing.T, path string) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.Open(t.Context(), path)
	require.NoError(t, err)
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) grant.Store {
		return open(t, filepath.Join(t.TempDir(), "grants.db"))
	})
}

// TestConformanceReopened runs the suite on files that were created, closed
// and opened again: the path a restarted server takes.
func TestConformanceReopened(t *testing.T) {
	storetest.Run(t, func(t *testing.T) grant.Store {
		path := filepath.Join(t.TempDir(), "odd ?#% dir", "grants.db")
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, open(t, path).Close())
		return open(t, path)
	})
}

func TestDurableAcrossReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "grants.db")
	at := time.Date(2026, 3, 1, 12, 0, 0, 123456000, time.UTC)
	const user tossapi.UserKey = 9007199254740993

	s := open(t, path)
	_, _, err := s.Grant(ctx, grant.Record{OrderID: "kept", UserKey: user, SKU: "coin_100", Credit: 100, GrantedAt: at})
	require.NoError(t, err)
	_, _, err = s.Grant(ctx, grant.Record{OrderID: "refunded", UserKey: user, SKU: "coin_50", Credit: 50, GrantedAt: at})
	require.NoError(t, err)
	_, err = s.Revoke(ctx, "refunded", at.Add(time.Hour))
	require.NoError(t, err)
	require.NoError(t, s.MarkChecked(ctx, "kept", at.Add(time.Minute)))
	require.NoError(t, s.CreateSession(ctx, grant.Session{ID: "h", UserKey: user, AccessToken: "a", RefreshToken: "r", CreatedAt: at, ExpiresAt: at.Add(time.Hour)}))
	ok, err := s.AcquireLease(ctx, "refund-sweep", "one", time.Minute, at)
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, s.Close())

	s = open(t, path)
	defer s.Close()
	a, err := s.Account(ctx, user)
	require.NoError(t, err)
	assert.Equal(t, grant.Account{Balance: 100, Grants: 1}, a)
	r, err := s.Record(ctx, "refunded")
	require.NoError(t, err)
	assert.True(t, r.RevokedAt.Equal(at.Add(time.Hour)))
	r, err = s.Record(ctx, "kept")
	require.NoError(t, err)
	assert.True(t, r.CheckedAt.Equal(at.Add(time.Minute)))
	sess, err := s.Session(ctx, "h", at)
	require.NoError(t, err)
	assert.Equal(t, user, sess.UserKey)
	ok, err = s.AcquireLease(ctx, "refund-sweep", "two", time.Minute, at.Add(time.Second))
	require.NoError(t, err)
	assert.False(t, ok, "the lease outlives a restart until it expires")
	_, existed, err := s.Grant(ctx, grant.Record{OrderID: "kept", UserKey: user, SKU: "coin_100", Credit: 100, GrantedAt: at})
	require.NoError(t, err)
	assert.True(t, existed)
}

func TestPragmasAndNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "grants.db")
	require.NoError(t, open(t, path).Close())

	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	defer db.Close()
	var mode string
	require.NoError(t, db.QueryRow("PRAGMA journal_mode").Scan(&mode))
	assert.Equal(t, "wal", mode)
	var version int
	require.NoError(t, db.QueryRow("PRAGMA user_version").Scan(&version))
	assert.Equal(t, 1, version)

	_, err = db.Exec("PRAGMA user_version = 99")
	require.NoError(t, err)
	_, err = sqlitestore.Open(t.Context(), path)
	assert.ErrorContains(t, err, "newer")
}

// TestTwoHandlesOneFile: two stores on one file, as two server processes
// would have, grant and revoke each order once.
func TestTwoHandlesOneFile(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "grants.db")
	stores := []*sqlitestore.Store{open(t, path), open(t, path)}
	defer stores[0].Close()
	defer stores[1].Close()
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

	const n = 40
	var wg sync.WaitGroup
	inserted := make([]bool, 2*n)
	revoked := make([]bool, 2*n)
	errs := make([]error, 4*n)
	for i := range 2 * n {
		s := stores[i%2]
		wg.Go(func() {
			order := fmt.Sprint("order-", i/2%5)
			var existed bool
			_, existed, errs[i] = s.Grant(ctx, grant.Record{OrderID: order, UserKey: 7, SKU: "coin_10", Credit: 10, GrantedAt: at})
			inserted[i] = errs[i] == nil && !existed
			revoked[i], errs[2*n+i] = s.Revoke(ctx, order, at)
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	count := func(bs []bool) (c int) {
		for _, b := range bs {
			if b {
				c++
			}
		}
		return c
	}
	assert.Equal(t, 5, count(inserted), "one insert per order")
	assert.Equal(t, 5, count(revoked), "one revoke per order")
	a, err := stores[0].Account(ctx, 7)
	require.NoError(t, err)
	assert.Equal(t, grant.Account{}, a)
}
