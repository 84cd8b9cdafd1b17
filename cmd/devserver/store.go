//go:build !js && !wasip1

// Store: the SQLite-backed ledger of granted orders.
//
// A grant is recorded at most once per orderId. The row is never updated or
// deleted, which is what lets the idempotency check below run as two plain
// statements without a transaction.

package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// errSKUConflict reports that an orderId was already granted for another sku.
var errSKUConflict = errors.New("orderId already granted with a different sku")

// grant is one recorded row.
type grant struct {
	OrderID        string  `json:"orderId"`
	SKU            string  `json:"sku"`
	SubscriptionID *string `json:"subscriptionId,omitempty"`
	GrantedAt      string  `json:"grantedAt"`
}

// grantStore wraps the database handle.
type grantStore struct {
	db *sql.DB
}

const schema = `CREATE TABLE IF NOT EXISTS grants (
	orderId        TEXT PRIMARY KEY NOT NULL,
	sku            TEXT NOT NULL,
	subscriptionId TEXT,
	grantedAt      TEXT NOT NULL
)`

// openStore opens (creating if needed) the database file at path.
func openStore(path string) (*grantStore, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	// Pragmas go in the DSN so every connection the pool opens gets them,
	// not only the first. synchronous=FULL makes each commit fsync the WAL,
	// so a grant that was answered 200 survives a crash.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	// A file: URI with an escaped absolute path survives odd characters
	// ('?', '#', '%') in the directory name; Windows paths need a leading '/'.
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	dsn := "file://" + (&url.URL{Path: p}).EscapedPath() + "?" + q.Encode()

	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// One connection serialises all writers inside this process; SQLite
	// allows a single writer anyway, and this avoids SQLITE_BUSY churn.
	db.SetMaxOpenConns(1)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create schema in %s: %w", path, err)
	}
	// Fail loudly rather than run with weaker durability than promised.
	var mode string
	var sync int
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		db.Close()
		return nil, fmt.Errorf("enable WAL on %s: mode %q, err %v", path, mode, err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil || sync != 2 {
		db.Close()
		return nil, fmt.Errorf("set synchronous=FULL on %s: got %d, err %v", path, sync, err)
	}
	return &grantStore{db: db}, nil
}

// Close releases the database.
func (s *grantStore) Close() error { return s.db.Close() }

// Grant records orderID (stamping grantedAt now) and reports whether it had
// already been granted. A repeat with the same sku is a duplicate, not an
// error; a repeat with another sku returns errSKUConflict.
func (s *grantStore) Grant(ctx context.Context, orderID, sku string, subscriptionID *string) (duplicate bool, err error) {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	// ON CONFLICT DO NOTHING makes the insert itself the arbiter: among
	// concurrent grants of one orderId exactly one affects a row.
	res, err := s.db.ExecContext(ctx,
		`INSERT INTO grants (orderId, sku, subscriptionId, grantedAt) VALUES (?, ?, ?, ?)
		 ON CONFLICT(orderId) DO NOTHING`,
		orderID, sku, subscriptionID, now)
	if err != nil {
		return false, fmt.Errorf("insert grant: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("insert grant: %w", err)
	}
	if n == 1 {
		return false, nil
	}
	existing, err := s.Get(ctx, orderID)
	if err != nil {
		return false, fmt.Errorf("read existing grant: %w", err)
	}
	if existing.SKU != sku {
		return false, errSKUConflict
	}
	return true, nil
}

// Get returns the grant for orderID, or sql.ErrNoRows.
func (s *grantStore) Get(ctx context.Context, orderID string) (grant, error) {
	var g grant
	var sub sql.NullString
	err := s.db.QueryRowContext(ctx,
		`SELECT orderId, sku, subscriptionId, grantedAt FROM grants WHERE orderId = ?`, orderID).
		Scan(&g.OrderID, &g.SKU, &sub, &g.GrantedAt)
	if err != nil {
		return grant{}, err
	}
	if sub.Valid {
		g.SubscriptionID = &sub.String
	}
	return g, nil
}

// List returns up to limit grants, newest first.
func (s *grantStore) List(ctx context.Context, limit int) ([]grant, error) {
	// RFC3339Nano trims trailing zeros, so grantedAt strings do not sort
	// lexically; rowid follows insertion order and never reuses (no deletes).
	rows, err := s.db.QueryContext(ctx,
		`SELECT orderId, sku, subscriptionId, grantedAt FROM grants ORDER BY rowid DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []grant{}
	for rows.Next() {
		var g grant
		var sub sql.NullString
		if err := rows.Scan(&g.OrderID, &g.SKU, &sub, &g.GrantedAt); err != nil {
			return nil, err
		}
		if sub.Valid {
			g.SubscriptionID = &sub.String
		}
		out = append(out, g)
	}
	return out, rows.Err()
}
