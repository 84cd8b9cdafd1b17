package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// AcquireLease takes the named lease for holder until now+ttl, or renews
// it, in one statement: the row is written only if it is free, expired or
// already the holder's. A holder that dies keeps it at most ttl longer.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (bool, error) {
	if ttl <= 0 {
		return false, fmt.Errorf("pgstore: lease %q: ttl %v", name, ttl)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var got string
	err := s.pool.QueryRow(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at <= $4
		RETURNING holder`, name, holder, now.Add(ttl), now).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("pgstore: lease %q: %w", name, err)
	}
	return true, nil
}
