package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Hold keeps a table locked in SHARE mode, so a writer to it stops and
// waits: the tests stop a grant between its ledger row and its wallet
// credit this way, then cut the writer off. Watcher is a second connection
// outside the lock (pg_stat_activity is read once per transaction, so the
// locking one would see a stale view).
type Hold struct {
	Watcher *pgx.Conn
	locker  *pgx.Conn
	tx      pgx.Tx
}

// HoldTable locks table in the database at dbURL until Release or the end
// of the test.
func HoldTable(ctx context.Context, t testing.TB, dbURL, table string) *Hold {
	t.Helper()
	h := &Hold{}
	var err error
	if h.locker, err = connect(ctx, dbURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.locker.Close(context.Background()) })
	if h.Watcher, err = connect(ctx, dbURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Watcher.Close(context.Background()) })
	if h.tx, err = h.locker.Begin(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err = h.tx.Exec(ctx, "LOCK TABLE "+pgx.Identifier{table}.Sanitize()+" IN SHARE MODE"); err != nil {
		t.Fatal(err)
	}
	return h
}

// Waiter returns the backend waiting on a lock whose query starts with
// queryPrefix (e.g. "INSERT INTO wallets"); false while there is none.
func (h *Hold) Waiter(ctx context.Context, queryPrefix string) (pid int32, ok bool) {
	err := h.Watcher.QueryRow(ctx, `SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> $1
		  AND wait_event_type = 'Lock' AND starts_with(query, $2)`,
		h.LockerPID(), queryPrefix).Scan(&pid)
	return pid, err == nil
}

// LockerPID is the backend holding the lock.
func (h *Hold) LockerPID() uint32 { return h.locker.PgConn().PID() }

// Release ends the lock.
func (h *Hold) Release(ctx context.Context) error { return h.tx.Rollback(ctx) }
