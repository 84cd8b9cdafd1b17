package pgstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/tossapi"
)

const recordColumns = "order_id, user_key, sku, credit, granted_at, revoked_at, checked_at"

// Grant inserts the ledger row and credits the wallet in one transaction.
// The row's primary key is the claim: of two instances granting the same
// order at once, PostgreSQL makes the second wait for the first to commit,
// then its insert does nothing and it reads the winner's row.
func (s *Store) Grant(ctx context.Context, r grant.Record) (grant.Record, bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var stored grant.Record
	var existed bool
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `INSERT INTO grants (order_id, user_key, sku, credit, granted_at, revoked_at, checked_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (order_id) DO NOTHING
			RETURNING `+recordColumns,
			r.OrderID, int64(r.UserKey), r.SKU, r.Credit, r.GrantedAt, nullTime(r.RevokedAt), nullTime(r.CheckedAt))
		if err != nil {
			return err
		}
		stored, err = pgx.CollectExactlyOneRow(rows, scanRecord)
		if errors.Is(err, pgx.ErrNoRows) {
			existed = true
			stored, err = recordIn(ctx, tx, r.OrderID)
			return err
		}
		if err != nil {
			return err
		}
		if !stored.RevokedAt.IsZero() {
			return nil // recorded as already revoked: nothing to credit
		}
		_, err = tx.Exec(ctx, `INSERT INTO wallets (user_key, balance, grants) VALUES ($1, $2, 1)
			ON CONFLICT (user_key) DO UPDATE
			SET balance = wallets.balance + excluded.balance, grants = wallets.grants + 1`,
			int64(r.UserKey), r.Credit)
		return err
	})
	if err != nil {
		return grant.Record{}, false, fmt.Errorf("pgstore: grant %q: %w", r.OrderID, err)
	}
	return stored, existed, nil
}

// Record returns the order's row, or grant.ErrNotFound.
func (s *Store) Record(ctx context.Context, orderID string) (grant.Record, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	r, err := recordIn(ctx, s.pool, orderID)
	if err != nil {
		return grant.Record{}, fmt.Errorf("pgstore: record %q: %w", orderID, err)
	}
	return r, nil
}

func recordIn(ctx context.Context, q querier, orderID string) (grant.Record, error) {
	rows, err := q.Query(ctx, "SELECT "+recordColumns+" FROM grants WHERE order_id = $1", orderID)
	if err != nil {
		return grant.Record{}, err
	}
	r, err := pgx.CollectExactlyOneRow(rows, scanRecord)
	if errors.Is(err, pgx.ErrNoRows) {
		return grant.Record{}, grant.ErrNotFound
	}
	return r, err
}

// Records pages through the ledger newest first, in the order the rows
// were inserted (seq; the caller's GrantedAt may go back and forth). The
// cursor is the last row's seq. Across instances seq is taken at insert
// and a row may commit after a higher one: a page read in that moment can
// miss it, which a listing for inspection can live with.
func (s *Store) Records(ctx context.Context, cursor string, limit int) ([]grant.Record, string, error) {
	if limit <= 0 {
		return nil, "", fmt.Errorf("pgstore: records: limit %d", limit)
	}
	after := int64(math.MaxInt64)
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n <= 0 {
			return nil, "", fmt.Errorf("pgstore: records: cursor %q: %w", cursor, grant.ErrNotFound)
		}
		after = n
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, "SELECT "+recordColumns+`, seq FROM grants
		WHERE seq < $1 ORDER BY seq DESC LIMIT $2`, after, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("pgstore: records: %w", err)
	}
	type positioned struct {
		r   record
		seq int64
	}
	got, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (positioned, error) {
		var p positioned
		err := row.Scan(append(recordFields(&p.r), &p.seq)...)
		return p, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("pgstore: records: %w", err)
	}
	next := ""
	if len(got) > limit {
		got = got[:limit]
		next = strconv.FormatInt(got[limit-1].seq, 10)
	}
	out := make([]grant.Record, len(got))
	for i, p := range got {
		out[i] = p.r.normalize()
	}
	return out, next, nil
}

// Revoke stamps revoked_at and debits the wallet in one transaction. The
// UPDATE's condition makes it happen once: a second revoke, concurrent or
// later, finds revoked_at set and changes nothing.
func (s *Store) Revoke(ctx context.Context, orderID string, at time.Time) (bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var revoked bool
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var user, credit int64
		err := tx.QueryRow(ctx, `UPDATE grants SET revoked_at = $2
			WHERE order_id = $1 AND revoked_at IS NULL
			RETURNING user_key, credit`, orderID, at).Scan(&user, &credit)
		if errors.Is(err, pgx.ErrNoRows) {
			var one int
			err = tx.QueryRow(ctx, "SELECT 1 FROM grants WHERE order_id = $1", orderID).Scan(&one)
			if errors.Is(err, pgx.ErrNoRows) {
				return grant.ErrNotFound
			}
			return err // nil: revoked before
		}
		if err != nil {
			return err
		}
		revoked = true
		_, err = tx.Exec(ctx, `UPDATE wallets SET balance = balance - $2, grants = grants - 1
			WHERE user_key = $1`, user, credit)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("pgstore: revoke %q: %w", orderID, err)
	}
	return revoked, nil
}

// DueForCheck lists unrevoked rows granted after grantedAfter and not
// checked since checkedBefore, never-checked ones first.
func (s *Store) DueForCheck(ctx context.Context, grantedAfter, checkedBefore time.Time, limit int) ([]grant.Record, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("pgstore: due for check: limit %d", limit)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, "SELECT "+recordColumns+` FROM grants
		WHERE revoked_at IS NULL AND granted_at > $1
		  AND (checked_at IS NULL OR checked_at < $2)
		ORDER BY checked_at NULLS FIRST, seq
		LIMIT $3`, grantedAfter, checkedBefore, limit)
	if err != nil {
		return nil, fmt.Errorf("pgstore: due for check: %w", err)
	}
	rs, err := pgx.CollectRows(rows, scanRecord)
	if err != nil {
		return nil, fmt.Errorf("pgstore: due for check: %w", err)
	}
	return rs, nil
}

// MarkChecked sets checked_at; grant.ErrNotFound for an order never granted.
func (s *Store) MarkChecked(ctx context.Context, orderID string, at time.Time) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	tag, err := s.pool.Exec(ctx, "UPDATE grants SET checked_at = $2 WHERE order_id = $1", orderID, at)
	if err != nil {
		return fmt.Errorf("pgstore: mark checked %q: %w", orderID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("pgstore: mark checked %q: %w", orderID, grant.ErrNotFound)
	}
	return nil
}

// Account reads the user's wallet, kept by Grant and Revoke; a user with no
// grant has an empty one.
func (s *Store) Account(ctx context.Context, user tossapi.UserKey) (grant.Account, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var a grant.Account
	err := s.pool.QueryRow(ctx, "SELECT balance, grants FROM wallets WHERE user_key = $1", int64(user)).Scan(&a.Balance, &a.Grants)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return grant.Account{}, fmt.Errorf("pgstore: account %d: %w", user, err)
	}
	return a, nil
}

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// record is grant.Record as scanned, NULL times included.
type record struct {
	grant.Record
	revokedAt, checkedAt *time.Time
	userKey              int64
}

func recordFields(r *record) []any {
	return []any{&r.OrderID, &r.userKey, &r.SKU, &r.Credit, &r.GrantedAt, &r.revokedAt, &r.checkedAt}
}

func (r record) normalize() grant.Record {
	out := r.Record
	out.UserKey = tossapi.UserKey(r.userKey)
	out.GrantedAt = out.GrantedAt.UTC()
	if r.revokedAt != nil {
		out.RevokedAt = r.revokedAt.UTC()
	}
	if r.checkedAt != nil {
		out.CheckedAt = r.checkedAt.UTC()
	}
	return out
}

func scanRecord(row pgx.CollectableRow) (grant.Record, error) {
	var r record
	if err := row.Scan(recordFields(&r)...); err != nil {
		return grant.Record{}, err
	}
	return r.normalize(), nil
}

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
