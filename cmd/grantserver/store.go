//go:build !js && !wasip1

// Which ledger the server keeps: SQLite under -data (the default, nothing
// to install), or PostgreSQL at -db, shared by any number of instances.

package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/grant/pgstore"
	"github.com/goiap/goiap/grant/sqlitestore"
)

// storeConfig is what the database flags say.
type storeConfig struct {
	DB               string // postgres://… ; "" keeps SQLite under -data
	MaxConns         int
	StatementTimeout time.Duration
	ConnectTimeout   time.Duration
}

// register adds the database flags to fs, their defaults from getenv.
func (s *storeConfig) register(fs *flag.FlagSet, getenv func(string) string) error {
	maxConns := 0
	if v := getenv("DB_MAX_CONNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%w: DB_MAX_CONNS=%q is not a number", errUsage, v)
		}
		maxConns = n
	}
	durations := map[string]time.Duration{}
	for _, name := range []string{"DB_STATEMENT_TIMEOUT", "DB_CONNECT_TIMEOUT"} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%w: %s=%q: %v", errUsage, name, v, err)
			}
			durations[name] = d
		}
	}
	fs.StringVar(&s.DB, "db", getenv("DATABASE_URL"), "PostgreSQL URL (postgres://user:password@host/db) of the ledger every instance shares; empty: SQLite in -data (DATABASE_URL)")
	fs.IntVar(&s.MaxConns, "db-max-conns", maxConns, "PostgreSQL pool size; 0: the URL's pool_max_conns, else max(4, CPUs) (DB_MAX_CONNS)")
	fs.DurationVar(&s.StatementTimeout, "db-statement-timeout", durations["DB_STATEMENT_TIMEOUT"], "PostgreSQL statement timeout; 0: the URL's statement_timeout, else 5s (DB_STATEMENT_TIMEOUT)")
	fs.DurationVar(&s.ConnectTimeout, "db-connect-timeout", durations["DB_CONNECT_TIMEOUT"], "PostgreSQL connect timeout; 0: the URL's connect_timeout, else 5s (DB_CONNECT_TIMEOUT)")
	return nil
}

// check refuses a database setting the server must not run with.
func (s storeConfig) check() error {
	if s.DB != "" {
		u, err := url.Parse(s.DB)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return fmt.Errorf("%w: -db: want a postgres:// URL", errUsage)
		}
	}
	if s.MaxConns < 0 || s.StatementTimeout < 0 || s.ConnectTimeout < 0 {
		return fmt.Errorf("%w: -db-max-conns and the -db timeouts cannot be negative", errUsage)
	}
	return nil
}

// String shows the ledger for the start-up log, the password masked.
func (s storeConfig) String() string {
	if s.DB == "" {
		return "db=sqlite"
	}
	db := "(unparsable)"
	if u, err := url.Parse(s.DB); err == nil {
		if q := u.Query(); q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		db = u.Redacted()
	}
	return strings.Join([]string{"db=" + db,
		"db-max-conns=" + strconv.Itoa(s.MaxConns),
		"db-statement-timeout=" + s.StatementTimeout.String(),
		"db-connect-timeout=" + s.ConnectTimeout.String(),
	}, " ")
}

// openStore opens the ledger: PostgreSQL when -db is set (its schema
// migrated at start), else SQLite in data.
func openStore(ctx context.Context, s storeConfig, data string) (grant.Store, error) {
	if s.DB == "" {
		return sqlitestore.Open(ctx, filepath.Join(data, "grants.db"))
	}
	st, err := pgstore.Open(ctx, pgstore.Config{
		URL:              s.DB,
		MaxConns:         int32(min(s.MaxConns, 1<<20)),
		StatementTimeout: s.StatementTimeout,
		ConnectTimeout:   s.ConnectTimeout,
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}
