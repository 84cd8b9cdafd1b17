package pgstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/grant/pgstore/pgtest"
)

// Rows granted in the same microsecond still page in a total order, newest
// (last inserted) first, with no row twice or missing.
func TestRecordsPagingTies(t *testing.T) {
	s := open(t, pgtest.NewDatabase(t))
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	for i := range 7 {
		r := record(fmt.Sprintf("order-%d", i), 1, 10)
		r.GrantedAt = at.Add(time.Duration(i/3) * time.Second) // 3, 3, 1 share a time
		_, _, err := s.Grant(ctx, r)
		require.NoError(t, err)
	}
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10)
		page, next, err := s.Records(ctx, cursor, 2)
		require.NoError(t, err)
		for _, r := range page {
			got = append(got, r.OrderID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	assert.Equal(t, []string{"order-6", "order-5", "order-4", "order-3", "order-2", "order-1", "order-0"}, got)
	_, _, err := s.Records(ctx, "not-a-cursor", 2)
	assert.ErrorIs(t, err, grant.ErrNotFound)
}

// Times keep microseconds, come back in UTC, and zero stays zero.
func TestTimesRoundTrip(t *testing.T) {
	s := open(t, pgtest.NewDatabase(t))
	ctx := context.Background()
	r := record("order-t", 3, 10)
	r.GrantedAt = time.Date(2026, 12, 1, 12, 0, 0, 123456000, time.FixedZone("KST", 9*3600))
	_, _, err := s.Grant(ctx, r)
	require.NoError(t, err)
	got, err := s.Record(ctx, "order-t")
	require.NoError(t, err)
	assert.Equal(t, r.GrantedAt.UTC(), got.GrantedAt)
	assert.True(t, got.RevokedAt.IsZero())
	assert.True(t, got.CheckedAt.IsZero())
}

// Revokes racing across instances: one takes the credit back.
func TestRevokeRaceAcrossInstances(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	a, b := open(t, dbURL), open(t, dbURL)
	ctx := context.Background()
	_, _, err := a.Grant(ctx, record("order-r", 4, 100))
	require.NoError(t, err)
	var revoked atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			s := a
			if i%2 == 1 {
				s = b
			}
			ok, err := s.Revoke(ctx, "order-r", time.Now())
			assert.NoError(t, err)
			if ok {
				revoked.Add(1)
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, 1, revoked.Load())
	acc, err := a.Account(ctx, 4)
	require.NoError(t, err)
	assert.Equal(t, grant.Account{}, acc)
	_, err = b.Revoke(ctx, "never", time.Now())
	assert.ErrorIs(t, err, grant.ErrNotFound)
}
