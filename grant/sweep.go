package grant

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/goiap/goiap/tossapi"
)

// sweepLease names the lease that lets one instance sweep at a time. It is
// renewed before every question to Toss, so a pass that outlives it stops.
const (
	sweepLease    = "refund-sweep"
	sweepLeaseTTL = 30 * time.Second
)

// Sweep runs one pass of the refund sweep, if this instance holds the
// sweep lease: it asks Toss again about orders granted within SweepWindow
// and not asked about for SweepRecheck, at most SweepBatch of them, and
// revokes the refunded ones, calling OnRevoke once for each. One-time
// purchases have no refund webhook; asking is the only way to learn.
//
// It stops early, with an error, when Toss or the store cannot answer.
func (s *Server) Sweep(ctx context.Context) error {
	if held, err := s.holdLease(ctx); err != nil || !held {
		return err
	}
	now := s.now()
	due, err := s.cfg.Store.DueForCheck(ctx, now.Add(-s.cfg.SweepWindow), now.Add(-s.cfg.SweepRecheck), s.cfg.SweepBatch)
	if err != nil {
		return fmt.Errorf("grant: sweep: %w", err)
	}
	for i, rec := range due {
		if i > 0 {
			if held, err := s.holdLease(ctx); err != nil || !held {
				return err
			}
		}
		if err := s.check(ctx, rec); err != nil {
			return err
		}
	}
	return nil
}

// holdLease takes or renews the sweep lease; false: another instance sweeps.
func (s *Server) holdLease(ctx context.Context) (bool, error) {
	held, err := s.cfg.Store.AcquireLease(ctx, sweepLease, s.holder, sweepLeaseTTL, s.now())
	if err != nil {
		return false, fmt.Errorf("grant: sweep: lease: %w", err)
	}
	return held, nil
}

// check asks Toss about one granted order.
func (s *Server) check(ctx context.Context, rec Record) error {
	st, err := s.cfg.Toss.GetOrderStatus(ctx, rec.OrderID, rec.UserKey)
	switch {
	case errors.Is(err, tossapi.ErrUnavailable) || ctx.Err() != nil:
		return fmt.Errorf("grant: sweep: %s: %w", rec.OrderID, err)
	case err != nil:
		// A refusal about this one order: note it and go on, so one odd
		// order cannot stall the sweep.
		s.log().Warn("grant: sweep: Toss refused to answer", "orderId", rec.OrderID, "err", err)
	case st.OrderID != rec.OrderID:
		s.log().Error("grant: sweep: Toss answered about another order", "orderId", rec.OrderID, "answered", st.OrderID)
	case st.Status == tossapi.StatusRefunded:
		at := s.now()
		revoked, err := s.cfg.Store.Revoke(ctx, rec.OrderID, at)
		if err != nil {
			return fmt.Errorf("grant: sweep: revoke %s: %w", rec.OrderID, err)
		}
		if revoked {
			rec.RevokedAt = at
			s.log().Info("grant: revoked a refunded order", "orderId", rec.OrderID, "userKey", rec.UserKey, "sku", rec.SKU)
			s.revoked(rec)
		}
		return nil // a revoked order is not due again
	case !st.Status.Paid():
		s.log().Warn("grant: sweep: a granted order is no longer paid", "orderId", rec.OrderID, "status", st.Status)
	}
	if err := s.cfg.Store.MarkChecked(ctx, rec.OrderID, s.now()); err != nil {
		return fmt.Errorf("grant: sweep: mark %s: %w", rec.OrderID, err)
	}
	return nil
}

// revoked calls OnRevoke; a panic in it must not stop the sweep.
func (s *Server) revoked(rec Record) {
	defer func() {
		if p := recover(); p != nil {
			s.log().Error("grant: OnRevoke panicked", "orderId", rec.OrderID, "panic", p)
		}
	}()
	s.cfg.OnRevoke(rec)
}

// RunSweeper runs Sweep now and then every interval (default a minute)
// until ctx ends. Errors are logged; the next pass tries again.
func (s *Server) RunSweeper(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.log().Warn("grant: refund sweep stopped early", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
