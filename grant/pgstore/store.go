// Package pgstore is the grant ledger on PostgreSQL, shared by every
// instance of the grant server: the ledger row is the claim on an order
// (its primary key), the wallet moves in the same transaction, and sessions
// and leases live in the database so that no instance holds state another
// one needs.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/goiap/goiap/grant"
)

// Defaults for the settings neither Config nor the URL gives.
const (
	DefaultStatementTimeout = 5 * time.Second
	DefaultConnectTimeout   = 5 * time.Second
	// DefaultIdleInTransactionTimeout ends a transaction whose client went
	// silent, so that its row locks never outlive a stuck instance for long.
	DefaultIdleInTransactionTimeout = 10 * time.Second
)

// Config says where the database is and how to reach it. Zero fields keep
// what the URL says (pool_max_conns; connect_timeout in seconds;
// statement_timeout in milliseconds or with a unit, "5s"), and then the
// defaults.
type Config struct {
	// URL is a PostgreSQL connection string, postgres://user:pw@host/db?...
	// or key=value form.
	URL string
	// MaxConns is the pool size (pgx's default: max(4, CPUs)).
	MaxConns int32
	// StatementTimeout bounds each statement on the server.
	StatementTimeout time.Duration
	// ConnectTimeout bounds dialing and authenticating a connection.
	ConnectTimeout time.Duration
}

// Store is a grant.Store on PostgreSQL. It is safe for concurrent use, and
// any number of Stores in any number of processes may share one database.
type Store struct {
	pool *pgxpool.Pool
	// callTimeout bounds a whole call when the caller's context does not,
	// so that a database that stopped answering becomes an error.
	callTimeout time.Duration
}

var _ grant.Store = (*Store)(nil)

// Open connects and brings the database's schema up to date (migrate.go). The role needs to own the database (or be allowed to
// create tables in it); it need not be a superuser.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	pcfg, err := poolConfig(cfg)
	if err != nil {
		return nil, err
	}
	stmt, err := statementTimeout(pcfg)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: open: %w", err)
	}
	s := &Store{pool: pool, callTimeout: pcfg.ConnConfig.ConnectTimeout + 3*stmt}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

func poolConfig(cfg Config) (*pgxpool.Config, error) {
	pcfg, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		// pgx masks the password in its message.
		return nil, fmt.Errorf("pgstore: bad database URL: %w", err)
	}
	if cfg.MaxConns < 0 || cfg.StatementTimeout < 0 || cfg.ConnectTimeout < 0 {
		return nil, errors.New("pgstore: negative pool size or timeout")
	}
	if cfg.MaxConns > 0 {
		pcfg.MaxConns = cfg.MaxConns
	}
	cc := pcfg.ConnConfig
	switch {
	case cfg.ConnectTimeout > 0:
		cc.ConnectTimeout = cfg.ConnectTimeout
	case cc.ConnectTimeout == 0:
		cc.ConnectTimeout = DefaultConnectTimeout
	}
	params := cc.RuntimeParams
	if cfg.StatementTimeout > 0 {
		params["statement_timeout"] = strconv.FormatInt(cfg.StatementTimeout.Milliseconds(), 10)
	} else if _, ok := params["statement_timeout"]; !ok {
		params["statement_timeout"] = strconv.FormatInt(DefaultStatementTimeout.Milliseconds(), 10)
	}
	if _, ok := params["idle_in_transaction_session_timeout"]; !ok {
		params["idle_in_transaction_session_timeout"] = strconv.FormatInt(DefaultIdleInTransactionTimeout.Milliseconds(), 10)
	}
	if _, ok := params["application_name"]; !ok {
		params["application_name"] = "goiap-grant"
	}
	return pcfg, nil
}

// statementTimeout reads the effective statement_timeout as PostgreSQL
// does: milliseconds, or a number with a unit (ms, s, min, h, d).
func statementTimeout(pcfg *pgxpool.Config) (time.Duration, error) {
	v := strings.TrimSpace(pcfg.ConnConfig.RuntimeParams["statement_timeout"])
	num := strings.TrimRightFunc(v, unicode.IsLetter)
	unit := map[string]time.Duration{"": time.Millisecond, "ms": time.Millisecond, "s": time.Second,
		"min": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[strings.TrimSpace(v[len(num):])]
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n < 0 || unit == 0 {
		return 0, fmt.Errorf("pgstore: statement_timeout %q: want milliseconds or a number with ms, s, min, h or d", v)
	}
	if n == 0 { // PostgreSQL's "no limit"; still bound a call on our side
		return DefaultStatementTimeout, nil
	}
	return time.Duration(n) * unit, nil
}

// Close closes the pool's connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// bound gives ctx the store's call timeout unless it has a deadline already.
func (s *Store) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, s.callTimeout)
}

// inTx runs f in one read-committed transaction and commits it; any error
// rolls everything back.
func (s *Store) inTx(ctx context.Context, f func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, f)
}
