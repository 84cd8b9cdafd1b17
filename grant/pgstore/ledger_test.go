package pgstore_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/grant/pgstore/pgtest"
)

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
