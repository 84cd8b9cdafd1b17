package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/tossapi"
)

// CreateSession stores s, so that every instance finds it, and clears out
// sessions that expired before s was created.
func (s *Store) CreateSession(ctx context.Context, sess grant.Session) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO sessions (id, user_key, access_token, refresh_token, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)`,
			sess.ID, int64(sess.UserKey), sess.AccessToken, sess.RefreshToken, sess.CreatedAt, sess.ExpiresAt); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DELETE FROM sessions WHERE expires_at <= $1", sess.CreatedAt)
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstore: create session: %w", err)
	}
	return nil
}

// Session returns the session while it is unexpired at now, or
// grant.ErrNotFound.
func (s *Store) Session(ctx context.Context, id string, now time.Time) (grant.Session, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var sess grant.Session
	var user int64
	err := s.pool.QueryRow(ctx, `SELECT id, user_key, access_token, refresh_token, created_at, expires_at
		FROM sessions WHERE id = $1 AND expires_at > $2`, id, now).
		Scan(&sess.ID, &user, &sess.AccessToken, &sess.RefreshToken, &sess.CreatedAt, &sess.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return grant.Session{}, grant.ErrNotFound
	}
	if err != nil {
		return grant.Session{}, fmt.Errorf("pgstore: session: %w", err)
	}
	sess.UserKey = tossapi.UserKey(user)
	sess.CreatedAt = sess.CreatedAt.UTC()
	sess.ExpiresAt = sess.ExpiresAt.UTC()
	return sess, nil
}

// DeleteSession removes the session; deleting one that is gone is no error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if _, err := s.pool.Exec(ctx, "DELETE FROM sessions WHERE id = $1", id); err != nil {
		return fmt.Errorf("pgstore: delete session: %w", err)
	}
	return nil
}
