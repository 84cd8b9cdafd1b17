// Package sqlitestore is the grant.Store on one SQLite file: the default for
// a single grant server. Every commit is fsynced (WAL, synchronous=FULL), so
// a grant that was answered survives a crash; writes run in BEGIN IMMEDIATE
// transactions, so processes sharing the file serialise instead of failing
// half way.
package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/tossapi"
)

// Store is a grant.Store on an SQLite database file.
type Store struct {
	db *sql.DB
}

var _ grant.Store = (*Store)(nil)

// Open opens the database file at path, creating it and its schema if
// needed. It refuses a file whose schema is newer than this code.
func Open(ctx context.Context, path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	// Pragmas go in the DSN so every connection the pool opens gets them.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Set("_txlock", "immediate")
	// A file: URI with an escaped absolute path survives odd characters
	// ('?', '#', '%') in the directory name; Windows paths need a leading '/'.
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	dsn := "file://" + (&url.URL{Path: p}).EscapedPath() + "?" + q.Encode()

	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	// One connection serialises this process's writers; SQLite has a single
	// writer anyway, and waiting on a Go mutex beats SQLITE_BUSY retries.
	db.SetMaxOpenConns(1)
	s := &Store{db: db}
	if err := s.check(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlitestore: %s: %w", path, err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlitestore: %s: %w", path, err)
	}
	return s, nil
}

// check fails loudly rather than run with weaker durability than promised.
func (s *Store) check(ctx context.Context) error {
	var mode string
	var sync int
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if mode != "wal" {
		return fmt.Errorf("journal_mode is %q, want wal", mode)
	}
	if err := s.db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return err
	}
	if sync != 2 {
		return fmt.Errorf("synchronous is %d, want 2 (FULL)", sync)
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Times are unix microseconds, NULL for a zero time: the precision every
// store keeps, and integers sort.
func toDB(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func fromDB(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

const recordColumns = `order_id, user_key, sku, credit, granted_at, revoked_at, checked_at`

type scanner interface{ Scan(...any) error }

// scanRecord reads recordColumns, then any extra columns into extra.
func scanRecord(row scanner, extra ...any) (grant.Record, error) {
	var (
		r                         grant.Record
		user                      int64
		granted, revoked, checked sql.NullInt64
	)
	dest := append([]any{&r.OrderID, &user, &r.SKU, &r.Credit, &granted, &revoked, &checked}, extra...)
	if err := row.Scan(dest...); err != nil {
		return grant.Record{}, err
	}
	r.UserKey = tossapi.UserKey(user)
	r.GrantedAt, r.RevokedAt, r.CheckedAt = fromDB(granted), fromDB(revoked), fromDB(checked)
	return r, nil
}

// notFound turns sql.ErrNoRows into grant.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return grant.ErrNotFound
	}
	return err
}

// inTx runs f in a BEGIN IMMEDIATE transaction: the write lock is taken
// first, so a transaction never fails half way for another writer.
func (s *Store) inTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Grant inserts the row unless the order is recorded; the balance is the sum
// of the rows' credits, so row and credit are one write.
func (s *Store) Grant(ctx context.Context, r grant.Record) (stored grant.Record, existed bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`INSERT INTO ledger (`+recordColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
			 ON CONFLICT(order_id) DO NOTHING`,
			r.OrderID, int64(r.UserKey), r.SKU, r.Credit, toDB(r.GrantedAt), toDB(r.RevokedAt), toDB(r.CheckedAt))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		existed = n == 0
		stored, err = scanRecord(tx.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM ledger WHERE order_id = ?`, r.OrderID))
		return err
	})
	if err != nil {
		return grant.Record{}, false, fmt.Errorf("sqlitestore: grant %q: %w", r.OrderID, err)
	}
	return stored, existed, nil
}

// Record returns the order's row.
func (s *Store) Record(ctx context.Context, orderID string) (grant.Record, error) {
	r, err := scanRecord(s.db.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM ledger WHERE order_id = ?`, orderID))
	if err != nil {
		return grant.Record{}, fmt.Errorf("sqlitestore: record %q: %w", orderID, notFound(err))
	}
	return r, nil
}

// Records pages by the row's sequence number, which only grows: the cursor
// is the last number served, so later inserts land before it.
func (s *Store) Records(ctx context.Context, cursor string, limit int) ([]grant.Record, string, error) {
	after := int64(1<<63 - 1)
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n <= 0 {
			return nil, "", fmt.Errorf("sqlitestore: cursor %q: %w", cursor, grant.ErrNotFound)
		}
		after = n
	}
	limit = max(limit, 1)
	rows, err := s.db.QueryContext(ctx,
		`SELECT `+recordColumns+`, seq FROM ledger WHERE seq < ? ORDER BY seq DESC LIMIT ?`, after, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("sqlitestore: records: %w", err)
	}
	defer rows.Close()
	var (
		page []grant.Record
		seqs []int64
	)
	for rows.Next() {
		var seq int64
		r, err := scanRecord(rows, &seq)
		if err != nil {
			return nil, "", fmt.Errorf("sqlitestore: records: %w", err)
		}
		page, seqs = append(page, r), append(seqs, seq)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("sqlitestore: records: %w", err)
	}
	next := ""
	if len(page) > limit {
		page = page[:limit]
		next = strconv.FormatInt(seqs[limit-1], 10)
	}
	return page, next, nil
}

// Revoke stamps the row once; the balance follows from the stamp.
func (s *Store) Revoke(ctx context.Context, orderID string, at time.Time) (revoked bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE ledger SET revoked_at = ? WHERE order_id = ? AND revoked_at IS NULL`, toDB(at), orderID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 1 {
			revoked = true
			return nil
		}
		var one int
		return notFound(tx.QueryRowContext(ctx, `SELECT 1 FROM ledger WHERE order_id = ?`, orderID).Scan(&one))
	})
	if err != nil {
		return false, fmt.Errorf("sqlitestore: revoke %q: %w", orderID, err)
	}
	return revoked, nil
}

// DueForCheck: NULLs sort first in SQLite, so never-checked rows lead.
func (s *Store) DueForCheck(ctx context.Context, grantedAfter, checkedBefore time.Time, limit int) ([]grant.Record, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT `+recordColumns+` FROM ledger
		 WHERE revoked_at IS NULL AND granted_at > ? AND (checked_at IS NULL OR checked_at < ?)
		 ORDER BY checked_at ASC, seq ASC LIMIT ?`,
		grantedAfter.UnixMicro(), checkedBefore.UnixMicro(), max(limit, 1))
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: due for check: %w", err)
	}
	defer rows.Close()
	var out []grant.Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlitestore: due for check: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlitestore: due for check: %w", err)
	}
	return out, nil
}

// MarkChecked sets the row's checked_at.
func (s *Store) MarkChecked(ctx context.Context, orderID string, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE ledger SET checked_at = ? WHERE order_id = ?`, toDB(at), orderID)
	if err != nil {
		return fmt.Errorf("sqlitestore: mark checked %q: %w", orderID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlitestore: mark checked %q: %w", orderID, err)
	} else if n == 0 {
		return fmt.Errorf("sqlitestore: mark checked %q: %w", orderID, grant.ErrNotFound)
	}
	return nil
}

// Account sums the user's unrevoked rows.
func (s *Store) Account(ctx context.Context, user tossapi.UserKey) (grant.Account, error) {
	var a grant.Account
	err := s.db.QueryRowContext(ctx,
		`SELECT COALESCE(SUM(credit), 0), COUNT(*) FROM ledger WHERE user_key = ? AND revoked_at IS NULL`,
		int64(user)).Scan(&a.Balance, &a.Grants)
	if err != nil {
		return grant.Account{}, fmt.Errorf("sqlitestore: account %d: %w", user, err)
	}
	return a, nil
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, sess grant.Session) error {
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO sessions (id, user_key, access_token, refresh_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		sess.ID, int64(sess.UserKey), sess.AccessToken, sess.RefreshToken, toDB(sess.CreatedAt), toDB(sess.ExpiresAt))
	if err != nil {
		return fmt.Errorf("sqlitestore: create session: %w", err)
	}
	// Expired sessions are dropped as new ones arrive, so the table stays
	// the size of the live ones.
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, sess.CreatedAt.UnixMicro()); err != nil {
		return fmt.Errorf("sqlitestore: drop expired sessions: %w", err)
	}
	return nil
}

// Session returns an unexpired session.
func (s *Store) Session(ctx context.Context, id string, now time.Time) (grant.Session, error) {
	var (
		sess             grant.Session
		user             int64
		created, expires sql.NullInt64
	)
	err := s.db.QueryRowContext(ctx,
		`SELECT id, user_key, access_token, refresh_token, created_at, expires_at FROM sessions WHERE id = ? AND expires_at > ?`,
		id, now.UnixMicro()).Scan(&sess.ID, &user, &sess.AccessToken, &sess.RefreshToken, &created, &expires)
	if err != nil {
		return grant.Session{}, fmt.Errorf("sqlitestore: session: %w", notFound(err))
	}
	sess.UserKey = tossapi.UserKey(user)
	sess.CreatedAt, sess.ExpiresAt = fromDB(created), fromDB(expires)
	return sess, nil
}

// DeleteSession removes a session if present.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("sqlitestore: delete session: %w", err)
	}
	return nil
}

// AcquireLease is one upsert: it writes only when the lease is free,
// expired or already the holder's.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx,
		`INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
		 ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		 WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
		name, holder, now.Add(ttl).UnixMicro(), now.UnixMicro())
	if err != nil {
		return false, fmt.Errorf("sqlitestore: lease %q: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlitestore: lease %q: %w", name, err)
	}
	return n == 1, nil
}
