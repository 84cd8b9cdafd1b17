//go:build !js && !wasip1

package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStorePragmas(t *testing.T) {
	st := newTestStore(t)
	var mode string
	var sync, busy int
	require.NoError(t, st.db.QueryRow("PRAGMA journal_mode").Scan(&mode))
	require.NoError(t, st.db.QueryRow("PRAGMA synchronous").Scan(&sync))
	require.NoError(t, st.db.QueryRow("PRAGMA busy_timeout").Scan(&busy))
	assert.Equal(t, "wal", mode)
	assert.Equal(t, 2, sync) // FULL
	assert.Equal(t, 5000, busy)
}

func TestStoreGrantAndGet(t *testing.T) {
	ctx := context.Background()
	st := newTestStore(t)
	sub := "sub-1"

	before := time.Now().UTC()
	dup, err := st.Grant(ctx, "o1", "sku-a", &sub)
	require.NoError(t, err)
	assert.False(t, dup)

	g, err := st.Get(ctx, "o1")
	require.NoError(t, err)
	assert.Equal(t, "o1", g.OrderID)
	assert.Equal(t, "sku-a", g.SKU)
	require.NotNil(t, g.SubscriptionID)
	assert.Equal(t, "sub-1", *g.SubscriptionID)
	at, err := time.Parse(time.RFC3339Nano, g.GrantedAt)
	require.NoError(t, err)
	assert.Equal(t, time.UTC, at.Location())
	assert.WithinDuration(t, before, at, time.Minute)

	dup, err = st.Grant(ctx, "o1", "sku-a", nil)
	require.NoError(t, err)
	assert.True(t, dup)
	_, err = st.Grant(ctx, "o1", "sku-b", nil)
	require.ErrorIs(t, err, errSKUConflict)

	g2, err := st.Get(ctx, "o1")
	require.NoError(t, err)
	assert.Equal(t, g, g2, "repeats must not change the recorded row")
	assert.Equal(t, 1, countRows(t, st, ""))

	_, err = st.Get(ctx, "missing")
	require.ErrorIs(t, err, sql.ErrNoRows)
}

func TestStorePersistsAcrossReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "grants.db")

	st, err := openStore(path)
	require.NoError(t, err)
	_, err = st.Grant(ctx, "persist-1", "sku", nil)
	require.NoError(t, err)
	want, err := st.Get(ctx, "persist-1")
	require.NoError(t, err)
	require.NoError(t, st.Close())

	st, err = openStore(path)
	require.NoError(t, err)
	defer st.Close()
	got, err := st.Get(ctx, "persist-1")
	require.NoError(t, err)
	assert.Equal(t, want, got)
	dup, err := st.Grant(ctx, "persist-1", "sku", nil)
	require.NoError(t, err)
	assert.True(t, dup)
	assert.Equal(t, 1, countRows(t, st, ""))
}

// Two handles on one file stand in for two processes: the pool limit does
// not serialise them, only SQLite's locking and ON CONFLICT do.
func TestStoreConcurrentAcrossHandles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "grants.db")
	a, err := openStore(path)
	require.NoError(t, err)
	defer a.Close()
	b, err := openStore(path)
	require.NoError(t, err)
	defer b.Close()

	const n = 40
	var wg sync.WaitGroup
	dups := make([]bool, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		st := a
		if i%2 == 1 {
			st = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			dups[i], errs[i] = st.Grant(ctx, "shared", "sku", nil)
		}()
	}
	close(start)
	wg.Wait()
	firsts := 0
	for i := range n {
		require.NoError(t, errs[i], "grant %d", i)
		if !dups[i] {
			firsts++
		}
	}
	assert.Equal(t, 1, firsts, "exactly one grant is the first")
	assert.Equal(t, 1, countRows(t, a, "shared"))
}

func TestStoreListNewestFirstAndLimited(t *testing.T) {
	ctx := context.Background()
	st := newTestStore(t)
	for i := range listLimit + 5 {
		_, err := st.Grant(ctx, fmt.Sprintf("list-%03d", i), "sku", nil)
		require.NoError(t, err)
	}
	gs, err := st.List(ctx, listLimit)
	require.NoError(t, err)
	require.Len(t, gs, listLimit)
	assert.Equal(t, fmt.Sprintf("list-%03d", listLimit+4), gs[0].OrderID)
	assert.Equal(t, "list-005", gs[listLimit-1].OrderID)
}

func TestStoreOddPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "odd dir #?%20")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	path := filepath.Join(dir, "grants.db")
	st, err := openStore(path)
	require.NoError(t, err)
	_, err = st.Grant(context.Background(), "o", "s", nil)
	require.NoError(t, err)
	require.NoError(t, st.Close())
	_, err = os.Stat(path)
	require.NoError(t, err, "the database must land at the literal path")
}
