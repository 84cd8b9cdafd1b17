// Package pgtest gives each test its own PostgreSQL database, owned by a
// fresh role that is not a superuser (as a deployment's would be), and
// drops both afterwards. The server comes from GOIAP_TEST_DATABASE_URL, a
// postgres:// URL of a role that may create databases and roles.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable with the admin URL.
const EnvURL = "GOIAP_TEST_DATABASE_URL"

// DefaultURL is tried when EnvURL is unset: the local server's socket, as
// the postgres role.
const DefaultURL = "postgres://postgres@/postgres?host=/var/run/postgresql"

// AdminURL returns the admin URL if its server answers. Otherwise the test
// is skipped with the reason, or fails when CI=true: in CI the PostgreSQL
// tests must run.
func AdminURL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvURL)
	if admin == "" {
		admin = DefaultURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := connect(ctx, admin)
	if err != nil {
		msg := fmt.Sprintf("no PostgreSQL to test against (%v): set %s to a postgres:// URL of a role with CREATEDB and CREATEROLE (.ci/postgres.sh makes one)", err, EnvURL)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	_ = conn.Close(ctx)
	return admin
}

// NewDatabase creates a database for this test and returns the URL its
// owner connects with; the test's cleanup drops it.
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin := AdminURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dbURL, drop, err := Create(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := drop(ctx); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return dbURL
}

// Create makes a role goiap_test_<random> with a random password and a
// database of the same name that it owns, through the server at adminURL.
// It returns the role's URL to the database and a function that drops both
// (ending whatever connections are left). Programs other than tests (make
// bench) use it directly.
func Create(ctx context.Context, adminURL string) (dbURL string, drop func(context.Context) error, err error) {
	u, err := url.Parse(adminURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("pgtest: %s must be a postgres:// URL", EnvURL)
	}
	name := "goiap_test_" + random(6)
	password := random(16)

	conn, err := connect(ctx, adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("pgtest: %w", err)
	}
	defer conn.Close(ctx)
	// Names are ours (hex), so they can be spliced; CREATE DATABASE takes no
	// parameters. The admin joins the role to create a database it owns,
	// and to end its connections when dropping it.
	for _, stmt := range []string{
		fmt.Sprintf("CREATE ROLE %s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '%s'", name, password),
		fmt.Sprintf("GRANT %s TO CURRENT_USER", name),
		fmt.Sprintf("CREATE DATABASE %s OWNER %s", name, name),
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			_ = dropAll(ctx, adminURL, name)
			return "", nil, fmt.Errorf("pgtest: %s: %w", stmt[:min(len(stmt), 40)], err)
		}
	}
	owner := *u
	owner.User = url.UserPassword(name, password)
	owner.Path = "/" + name
	return owner.String(), func(ctx context.Context) error { return dropAll(ctx, adminURL, name) }, nil
}

func dropAll(ctx context.Context, adminURL, name string) error {
	conn, err := connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if err := dropDatabase(ctx, conn, name); err != nil {
		return err
	}
	stmt := fmt.Sprintf("DROP ROLE IF EXISTS %s", name)
	if _, err := conn.Exec(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// dropDatabase ends the connections left to the database and drops it.
// WITH (FORCE) may refuse to end a process of no role of ours (an
// autovacuum worker that just started on the new database); a plain DROP
// DATABASE stops such a worker itself, so it is tried again without FORCE
// for a few seconds.
func dropDatabase(ctx context.Context, conn *pgx.Conn, name string) error {
	stmt := fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)
	_, err := conn.Exec(ctx, stmt)
	for try := 0; err != nil && try < 20; try++ {
		select {
		case <-ctx.Done():
			return errors.Join(fmt.Errorf("%s: %w", stmt, err), ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
		stmt = fmt.Sprintf("DROP DATABASE IF EXISTS %s", name)
		_, err = conn.Exec(ctx, stmt)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

func connect(ctx context.Context, dbURL string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		return nil, err
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 5 * time.Second
	}
	return pgx.ConnectConfig(ctx, cfg)
}

func random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
