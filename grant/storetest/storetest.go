// Package storetest is the conformance suite every grant.Store passes: the
// same tests of idempotency, concurrency, revoke-once, paging, the refund
// sweep's queries, sessions, leases and interrupted writes, run against each
// store on a real database.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) grant.Store { return openFresh(t) })
//	}
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/tossapi"
)

// Run runs the suite. open returns an empty store for one subtest; the
// suite closes it. Subtests do not run in parallel with each other.
func Run(t *testing.T, open func(t *testing.T) grant.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s grant.Store)
	}{
		{"GrantOnce", testGrantOnce},
		{"GrantRoundTrip", testGrantRoundTrip},
		{"GrantConcurrentSameOrder", testGrantConcurrentSameOrder},
		{"GrantConcurrentManyOrders", testGrantConcurrentManyOrders},
		{"Revoke", testRevoke},
		{"RevokeConcurrent", testRevokeConcurrent},
		{"Records", testRecords},
		{"RecordsStableUnderInserts", testRecordsStableUnderInserts},
		{"RecordsExactPages", testRecordsExactPages},
		{"DueForCheck", testDueForCheck},
		{"Account", testAccount},
		{"Sessions", testSessions},
		{"Leases", testLeases},
		{"LeaseConcurrent", testLeaseConcurrent},
		{"InterruptedGrant", testInterruptedGrant},
		{"InterruptedRevoke", testInterruptedRevoke},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { assert.NoError(t, s.Close()) })
			tc.fn(t, s)
		})
	}
}

// Keys above 2^53 catch a store that passes user keys through a float.
const (
	alice tossapi.UserKey = 9007199254740993
	bob   tossapi.UserKey = 9223372036854775807
	carol tossapi.UserKey = 1
)

// base is a time with microseconds, the precision every store keeps.
var base = time.Date(2026, 3, 1, 12, 0, 0, 123456000, time.UTC)

func ctxOf(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func record(id string, user tossapi.UserKey, credit int64, at time.Time) grant.Record {
	return grant.Record{OrderID: id, UserKey: user, SKU: "coin_" + fmt.Sprint(credit), Credit: credit, GrantedAt: at}
}

// assertRecord compares field by field, times by instant.
func assertRecord(t *testing.T, want, got grant.Record, msgAndArgs ...any) {
	t.Helper()
	assert.Equal(t, want.OrderID, got.OrderID, msgAndArgs...)
	assert.Equal(t, want.UserKey, got.UserKey, msgAndArgs...)
	assert.Equal(t, want.SKU, got.SKU, msgAndArgs...)
	assert.Equal(t, want.Credit, got.Credit, msgAndArgs...)
	assertTime(t, want.GrantedAt, got.GrantedAt, "GrantedAt")
	assertTime(t, want.RevokedAt, got.RevokedAt, "RevokedAt")
	assertTime(t, want.CheckedAt, got.CheckedAt, "CheckedAt")
}

func assertTime(t *testing.T, want, got time.Time, field string) {
	t.Helper()
	if want.IsZero() {
		assert.True(t, got.IsZero(), "%s: want zero, got %v", field, got)
		return
	}
	assert.True(t, want.Equal(got), "%s: want %v, got %v", field, want, got)
}

func assertAccount(t *testing.T, s grant.Store, user tossapi.UserKey, balance int64, grants int) {
	t.Helper()
	a, err := s.Account(ctxOf(t), user)
	require.NoError(t, err)
	assert.Equal(t, grant.Account{Balance: balance, Grants: grants}, a, "account of %d", user)
}

// all pages through Records with the given limit.
func all(t *testing.T, s grant.Store, limit int) []grant.Record {
	t.Helper()
	var out []grant.Record
	cursor := ""
	for range 10000 {
		page, next, err := s.Records(ctxOf(t), cursor, limit)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page), limit)
		out = append(out, page...)
		if next == "" {
			return out
		}
		require.NotEmpty(t, page, "a page before the last is not empty")
		cursor = next
	}
	t.Fatal("Records never reached the last page")
	return nil
}

func ids(rs []grant.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.OrderID
	}
	return out
}

func testGrantOnce(t *testing.T, s grant.Store) {
	ctx := ctxOf(t)
	r := record("order-1", alice, 100, base)
	stored, existed, err := s.Grant(ctx, r)
	require.NoError(t, err)
	assert.False(t, existed)
	assertRecord(t, r, stored)

	got, err := s.Record(ctx, "order-1")
	require.NoError(t, err)
	assertRecord(t, r, got)
	assertAccount(t, s, alice, 100, 1)

	// A repeat, even one claiming another user, sku and credit, changes
	// nothing and answers the row as first stored.
	again := grant.Record{OrderID: "order-1", UserKey: bob, SKU: "other", Credit: 999, GrantedAt: base.Add(time.Hour)}
	stored, existed, err = s.Grant(ctx, again)
	require.NoError(t, err)
	assert.True(t, existed)
	assertRecord(t, r, stored)
	assertAccount(t, s, alice, 100, 1)
	assertAccount(t, s, bob, 0, 0)
	assert.Len(t, all(t, s, 10), 1)

	_, err = s.Record(ctx, "order-2")
	assert.ErrorIs(t, err, grant.ErrNotFound)
}

func testGrantRoundTrip(t *testing.T, s grant.Store) {
	ctx := ctxOf(t)
	// Odd characters survive; zero credit is still a grant; a non-UTC time
	// is the same instant back.
	seoul := time.FixedZone("KST", 9*3600)
	rs := []grant.Record{
		{OrderID: "ord/er #1?%", UserKey: bob, SKU: "코인_100", Credit: 0, GrantedAt: base.In(seoul)},
		{OrderID: "0193a5b2-7c1d-7e4f-8a9b-0c1d2e3f4a5b", UserKey: carol, SKU: "x", Credit: 1 << 40, GrantedAt: base.Add(time.Microsecond)},
		{OrderID: "'; DROP TABLE x; --", UserKey: -5, SKU: "\"quoted\"", Credit: -3, GrantedAt: base.Add(2 * time.Microsecond)},
	}
	for _, r := range rs {
		_, existed, err := s.Grant(ctx, r)
		require.NoError(t, err)
		require.False(t, existed)
	}
	for _, r := range rs {
		got, err := s.Record(ctx, r.OrderID)
		require.NoError(t, err, r.OrderID)
		assertRecord(t, r, got, r.OrderID)
	}
	assertAccount(t, s, bob, 0, 1)
	assertAccount(t, s, carol, 1<<40, 1)
}

func testGrantConcurrentSameOrder(t *testing.T, s grant.Store) {
	ctx := ctxOf(t)
	const n = 100
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		firsts  int
		stored  []grant.Record
		errs    []error
		release = make(chan struct{})
	)
	for i := range n {
		wg.Go(func() {
			<-release
			// Each caller claims a different sku and credit: only the
			// first row may stand.
			r := grant.Record{OrderID: "race", UserKey: alice, SKU: fmt.Sprint("sku-", i), Credit: int64(10 + i), GrantedAt: base}
			got, existed, err := s.Grant(ctx, r)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			if !existed {
				firsts++
			}
			stored = append(stored, got)
		})
	}
	close(release)
	wg.Wait()
	require.Empty(t, errs)
	require.Equal(t, 1, firsts, "exactly one Grant inserts")
	require.Len(t, stored, n)
	for _, r := range stored {
		assertRecord(t, stored[0], r, "every caller sees the one stored row")
	}
	assertAccount(t, s, alice, stored[0].Credit, 1)
	assert.Len(t, all(t, s, 1000), 1)
}

func testGrantConcurrentManyOrders(t *testing.T, s grant.Store) {
	ctx := ctxOf(t)
	users := []tossapi.UserKey{alice, bob, carol}
	const n = 60
	var wg sync.WaitGroup
	errs := make([]error, 2*n)
	for i := range 2 * n { // every order twice
		wg.Go(func() {
			_, _, errs[i] = s.Grant(ctx, record(fmt.Sprint("order-", i%n), users[(i%n)%3], 10, base.Add(time.Duration(i%n)*time.Second)))
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	for _, u := range users {
		assertAccount(t, s, u, 10*n/3, n/3)
	}
	assert.Len(t, all(t, s, 7), n)
}

func testRevoke(t *testing.T, s grant.Store) {
	ctx := ctxOf(t)
	r := record("refunded", alice, 100, base)
	_, _, err := s.Grant(ctx, r)
	require.NoError(t, err)
	_, _, err = s.Grant(ctx, record("kept", alice, 30, base))
	require.NoError(t, err)
	assertAccount(t, s, alice, 130, 2)

	at := base.Add(time.Hour)
	revoked, err := s.Revoke(ctx, "refunded", at)
	require.NoError(t, err)
	assert.True(t, revoked)
	assertAccount(t, s, alice, 30, 1)

	got, err := s.Record(ctx, "refunded")
	require.NoError(t, err)
	r.RevokedAt = at
	assertRecord(t, r, got)

	revoked, err = s.Revoke(ctx, "refunded", at.Add(time.Hour))
	require.NoError(t, err)
	assert.False(t, revoked, "a second revoke changes nothing")
	got, err = s.Record(ctx, "refunded")
	require.NoError(t, err)
	assertTime(t, at, got.RevokedAt, "RevokedAt after a second revoke")
	assertAccount(t, s, alice, 30, 1)

	// Granting a revoked order again neither re-credits nor clears the revoke.
	stored, existed, err := s.Grant(ctx, record("refunded", alice, 100, base.Add(2*time.Hour)))
	require.NoError(t, err)
	assert.True(t, existed)
	assertRecord(t, r, stored)
	assertAccount(t, s, alice, 30, 1)

	_, err = s.Revoke(ctx, "never-granted", at)
	assert.ErrorIs(t, err, grant.ErrNotFound)
	assertAccount(t, s, alice, 30, 1)
}

func testRevokeConcurrent(t *testing.T, s grant.Store) {
	ctx := ctxOf(t)
	_, _, err := s.Grant(ctx, record("refunded", bob, 70, base))
	require.NoError(t, err)
	const n = 50
	var wg sync.WaitGroup
	results := make([]bool, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { results[i], errs[i] = s.Revoke(ctx, "refunded", base.Add(time.Duration(i+1)*time.Second)) })
	}
	wg.Wait()
	trues := 0
	for i := range n {
		require.NoError(t, errs[i])
		if results[i] {
			trues++
		}
	}
	assert.Equal(t, 1, trues, "exactly one Revoke revokes")
	assertAccount(t, s, bob, 0, 0)
}

func testRecords(t *testing.T, s grant.Store) {
	ctx := ctxOf(t)
	page, next, err := s.Records(ctx, "", 10)
	require.NoError(t, err)
	assert.Empty(t, page)
	assert.Empty(t, next)

	var want []string
	for i := range 25 {
		id := fmt.Sprintf("order-%02d", i)
		// GrantedAt is not monotonic: the order of the list is the order of
		// the grants, not of the caller's clock.
		_, _, err := s.Grant(ctx, record(id, alice, 1, base.Add(time.Duration(i%3)*time.Minute)))
		require.NoError(t, err)
		want = append([]string{id}, want...)
	}
	_, err = s.Revoke(ctx, "order-05", base)
	require.NoError(t, err)

	for _, limit := range []int{1, 2, 7, 10, 24, 25, 26, 1000} {
		got := all(t, s, limit)
		assert.Equal(t, want, ids(got), "limit %d", limit)
	}
	page, next, err = s.Records(ctx, "", 10)
	require.NoError(t, err)
	assert.Len(t, page, 10)
	assert.NotEmpty(t, next)

	// Revoked rows stay listed, with their revoke time.
	for _, r := range all(t, s, 100) {
		assert.Equal(t, r.OrderID == "order-05", !r.RevokedAt.IsZero(), r.OrderID)
	}

	for _, bad := range []string{"not a cursor", "%%%", "-"} {
		_, _, err = s.Records(ctx, bad, 10)
		assert.ErrorIs(t, err, grant.ErrNotFound, "cursor %q", bad)
	}
}

func testRecordsStableUnderInserts(t *testing.T, s grant.Store) {
	ctx := ctxOf(t)
	for i := range 20 {
		_, _, err := s.Grant(ctx, record(fmt.Sprintf("old-%02d", i), alice, 1, base))
		require.NoError(t, err)
	}
	first, next, err := s.Records(ctx, "", 8)
	require.NoError(t, err)
	require.Len(t, first, 8)
	assert.Equal(t, "old-19", first[0].OrderID)

	for i := range 5 {
		_, _, err := s.Grant(ctx, record(fmt.Sprintf("new-%02d", i), alice, 1, base))
		require.NoError(t, err)
	}
	seen := ids(first)
	for next != "" {
		var page []grant.Record
		page, next, err = s.Records(ctx, next, 8)
		require.NoError(t, err)
		seen = append(seen, ids(page)...)
	}
	var want []string
	for i := 19; i >= 0; i-- {
		want = append(want, fmt.Sprintf("old-%02d", i))
	}
	assert.Equal(t, want, seen, "inserts after the first page neither repeat nor hide rows")

	top, _, err := s.Records(ctx, "", 1)
	require.NoError(t, err)
	require.Len(t, top, 1)
	assert.Equal(t, "new-04", top[0].OrderID)
}

func testRecordsExactPages(t *testing.T, s grant.Store) {
	ctx := ctxOf(t)
	for i := range 20 {
		_, _, err := s.Grant(ctx, record(fmt.Sprint("o", i), carol, 1, base))
		require.NoError(t, err)
	}
	page, next, err := s.Records(ctx, "", 10)
	require.NoError(t, err)
	require.Len(t, page, 10)
	require.NotEmpty(t, next)
	page, next, err = s.Records(ctx, next, 10)
	require.NoError(t, err)
	assert.Len(t, page, 10)
	assert.Empty(t, next, "the page that holds the last row says so")
}

func testDueForCheck(t *testing.T, s grant.Store) {
	ctx := ctxOf(t)
	now := base.Add(30 * 24 * time.Hour)
	grantAt := map[string]time.Duration{
		"too-old":   -10 * 24 * time.Hour,
		"edge":      -7 * 24 * time.Hour, // exactly at grantedAfter: excluded
		"five-days": -5 * 24 * time.Hour,
		"three":     -3 * 24 * time.Hour,
		"one":       -1 * 24 * time.Hour,
		"fresh":     -time.Minute,
		"revoked":   -2 * 24 * time.Hour,
		"checked":   -4 * 24 * time.Hour,
		"checked-2": -4 * 24 * time.Hour,
	}
	for id, d := range grantAt {
		_, _, err := s.Grant(ctx, record(id, alice, 5, now.Add(d)))
		require.NoError(t, err)
	}
	_, err := s.Revoke(ctx, "revoked", now)
	require.NoError(t, err)
	require.NoError(t, s.MarkChecked(ctx, "checked", now.Add(-2*time.Hour)))
	require.NoError(t, s.MarkChecked(ctx, "checked-2", now.Add(-3*time.Hour)))
	require.NoError(t, s.MarkChecked(ctx, "fresh", now.Add(-time.Second)))
	assert.ErrorIs(t, s.MarkChecked(ctx, "never-granted", now), grant.ErrNotFound)

	after, before := now.Add(-7*24*time.Hour), now.Add(-time.Hour)
	due, err := s.DueForCheck(ctx, after, before, 100)
	require.NoError(t, err)
	got := ids(due)
	require.Len(t, got, 5, got)
	assert.ElementsMatch(t, []string{"five-days", "three", "one"}, got[:3], "never checked come first")
	assert.Equal(t, []string{"checked-2", "checked"}, got[3:], "then least recently checked")
	for _, r := range due {
		assertTime(t, now.Add(grantAt[r.OrderID]), r.GrantedAt, r.OrderID)
	}

	due, err = s.DueForCheck(ctx, after, before, 2)
	require.NoError(t, err)
	assert.Len(t, due, 2)

	// Checking moves a row to the back of the queue, past checkedBefore.
	for _, id := range []string{"five-days", "three", "one", "checked-2"} {
		require.NoError(t, s.MarkChecked(ctx, id, now))
	}
	due, err = s.DueForCheck(ctx, after, before, 100)
	require.NoError(t, err)
	assert.Equal(t, []string{"checked"}, ids(due))
	got1, err := s.Record(ctx, "checked-2")
	require.NoError(t, err)
	assertTime(t, now, got1.CheckedAt, "CheckedAt")

	due, err = s.DueForCheck(ctx, after, now.Add(time.Second), 100)
	require.NoError(t, err)
	assert.Len(t, due, 6, ids(due))
}

func testAccount(t *testing.T, s grant.Store) {
	ctx := ctxOf(t)
	assertAccount(t, s, alice, 0, 0)
	for i, c := range []int64{100, 50, 0, 7} {
		_, _, err := s.Grant(ctx, record(fmt.Sprint("a", i), alice, c, base))
		require.NoError(t, err)
	}
	_, _, err := s.Grant(ctx, record("b0", bob, 1000, base))
	require.NoError(t, err)
	assertAccount(t, s, alice, 157, 4)
	_, err = s.Revoke(ctx, "a1", base)
	require.NoError(t, err)
	assertAccount(t, s, alice, 107, 3)
	assertAccount(t, s, bob, 1000, 1)
	assertAccount(t, s, carol, 0, 0)
}

func testSessions(t *testing.T, s grant.Store) {
	ctx := ctxOf(t)
	sess := grant.Session{
		ID: "3f2a9c", UserKey: alice, AccessToken: "access", RefreshToken: "refresh",
		CreatedAt: base, ExpiresAt: base.Add(time.Hour),
	}
	require.NoError(t, s.CreateSession(ctx, sess))
	other := sess
	other.ID, other.UserKey = "77aa01", bob
	require.NoError(t, s.CreateSession(ctx, other))

	got, err := s.Session(ctx, sess.ID, base.Add(59*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, sess.ID, got.ID)
	assert.Equal(t, sess.UserKey, got.UserKey)
	assert.Equal(t, sess.AccessToken, got.AccessToken)
	assert.Equal(t, sess.RefreshToken, got.RefreshToken)
	assertTime(t, sess.CreatedAt, got.CreatedAt, "CreatedAt")
	assertTime(t, sess.ExpiresAt, got.ExpiresAt, "ExpiresAt")

	_, err = s.Session(ctx, sess.ID, base.Add(time.Hour))
	assert.ErrorIs(t, err, grant.ErrNotFound, "expired at ExpiresAt")
	_, err = s.Session(ctx, "unknown", base)
	assert.ErrorIs(t, err, grant.ErrNotFound)

	require.NoError(t, s.DeleteSession(ctx, sess.ID))
	_, err = s.Session(ctx, sess.ID, base)
	assert.ErrorIs(t, err, grant.ErrNotFound)
	require.NoError(t, s.DeleteSession(ctx, sess.ID), "deleting twice is fine")

	got, err = s.Session(ctx, other.ID, base)
	require.NoError(t, err, "other sessions stay")
	assert.Equal(t, bob, got.UserKey)
}

func testLeases(t *testing.T, s grant.Store) {
	ctx := ctxOf(t)
	acquire := func(name, holder string, at time.Time) bool {
		t.Helper()
		ok, err := s.AcquireLease(ctx, name, holder, time.Minute, at)
		require.NoError(t, err)
		return ok
	}
	assert.True(t, acquire("sweep", "a", base))
	assert.False(t, acquire("sweep", "b", base.Add(30*time.Second)), "held by a")
	assert.True(t, acquire("other", "b", base), "leases are per name")
	assert.True(t, acquire("sweep", "a", base.Add(50*time.Second)), "renewed by its holder")
	assert.False(t, acquire("sweep", "b", base.Add(70*time.Second)), "the renewal moved the deadline")
	assert.True(t, acquire("sweep", "b", base.Add(110*time.Second)), "taken over at expiry")
	assert.False(t, acquire("sweep", "a", base.Add(120*time.Second)), "the old holder lost it")
}

func testLeaseConcurrent(t *testing.T, s grant.Store) {
	ctx := ctxOf(t)
	const n = 30
	var wg sync.WaitGroup
	got := make([]bool, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { got[i], errs[i] = s.AcquireLease(ctx, "sweep", fmt.Sprint("holder-", i), time.Minute, base) })
	}
	wg.Wait()
	winners := 0
	for i := range n {
		require.NoError(t, errs[i])
		if got[i] {
			winners++
		}
	}
	assert.Equal(t, 1, winners)
}

// testInterruptedGrant cancels Grants at every point of their work: each
// leaves either the row and its credit or neither, and a retry completes it.
func testInterruptedGrant(t *testing.T, s grant.Store) {
	ctx := ctxOf(t)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, _, err := s.Grant(cancelled, record("pre-cancelled", alice, 10, base))
	require.Error(t, err)
	_, err = s.Record(ctx, "pre-cancelled")
	require.ErrorIs(t, err, grant.ErrNotFound)
	assertAccount(t, s, alice, 0, 0)

	const n = 40
	for i := range n {
		user := tossapi.UserKey(1000 + i)
		id := fmt.Sprint("interrupted-", i)
		// Deadlines from nothing to a few milliseconds land before, inside
		// and after the transaction.
		short, cancel := context.WithTimeout(ctx, time.Duration(i*i)*5*time.Microsecond)
		_, _, err := s.Grant(short, record(id, user, 25, base))
		cancel()
		_, rerr := s.Record(ctx, id)
		a, aerr := s.Account(ctx, user)
		require.NoError(t, aerr)
		switch {
		case rerr == nil:
			assert.Equal(t, grant.Account{Balance: 25, Grants: 1}, a, "%s: row without its credit (grant err %v)", id, err)
		case errors.Is(rerr, grant.ErrNotFound):
			require.Error(t, err, "%s: Grant succeeded but no row", id)
			assert.Equal(t, grant.Account{}, a, "%s: credit without its row", id)
		default:
			require.NoError(t, rerr)
		}
		_, _, err = s.Grant(ctx, record(id, user, 25, base))
		require.NoError(t, err, "a retry after an interrupted grant")
		assertAccount(t, s, user, 25, 1)
	}
}

func testInterruptedRevoke(t *testing.T, s grant.Store) {
	ctx := ctxOf(t)
	const n = 40
	for i := range n {
		user := tossapi.UserKey(2000 + i)
		id := fmt.Sprint("revoke-", i)
		_, _, err := s.Grant(ctx, record(id, user, 25, base))
		require.NoError(t, err)
		short, cancel := context.WithTimeout(ctx, time.Duration(i*i)*5*time.Microsecond)
		revoked, err := s.Revoke(short, id, base.Add(time.Hour))
		cancel()
		r, rerr := s.Record(ctx, id)
		require.NoError(t, rerr)
		a, aerr := s.Account(ctx, user)
		require.NoError(t, aerr)
		if r.RevokedAt.IsZero() {
			require.False(t, err == nil && revoked, "%s: Revoke reported a revoke that did not stick", id)
			assert.Equal(t, grant.Account{Balance: 25, Grants: 1}, a, "%s: credit taken without the revoke", id)
		} else {
			assert.Equal(t, grant.Account{}, a, "%s: revoked but the credit stayed", id)
		}
		// Whatever happened, exactly one of the two calls reports the revoke.
		again, err2 := s.Revoke(ctx, id, base.Add(time.Hour))
		require.NoError(t, err2)
		assert.Equal(t, r.RevokedAt.IsZero(), again, "%s", id)
		if err == nil && revoked {
			assert.False(t, again)
		}
		assertAccount(t, s, user, 0, 0)
	}
}
