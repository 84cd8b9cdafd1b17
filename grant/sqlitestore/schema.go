package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations[i] takes the schema from version i to i+1; the version lives in
// PRAGMA user_version. Append only: a released step never changes.
var migrations = []string{
	// 1: the ledger (seq orders the list and never reuses a number), the
	// sessions (id is the hash of the cookie) and the leases.
	`CREATE TABLE ledger (
		seq        INTEGER PRIMARY KEY AUTOINCREMENT,
		order_id   TEXT    NOT NULL UNIQUE,
		user_key   INTEGER NOT NULL,
		sku        TEXT    NOT NULL,
		credit     INTEGER NOT NULL,
		granted_at INTEGER NOT NULL,
		revoked_at INTEGER,
		checked_at INTEGER
	);
	CREATE INDEX ledger_user ON ledger (user_key) WHERE revoked_at IS NULL;
	CREATE INDEX ledger_due ON ledger (checked_at, seq) WHERE revoked_at IS NULL;
	CREATE TABLE sessions (
		id            TEXT    PRIMARY KEY,
		user_key      INTEGER NOT NULL,
		access_token  TEXT    NOT NULL,
		refresh_token TEXT    NOT NULL,
		created_at    INTEGER NOT NULL,
		expires_at    INTEGER NOT NULL
	);
	CREATE INDEX sessions_expiry ON sessions (expires_at);
	CREATE TABLE leases (
		name       TEXT    PRIMARY KEY,
		holder     TEXT    NOT NULL,
		expires_at INTEGER NOT NULL
	);`,
}

// migrate brings the schema to len(migrations) in one immediate transaction,
// so two processes opening a new file together migrate it once.
func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this program's %d", version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migrate to version %d: %w", v+1, err)
		}
	}
	// PRAGMA takes no parameters; the value is our own integer.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, len(migrations))); err != nil {
		return err
	}
	return tx.Commit()
}
