//go:build !js && !wasip1

// The grant server's parts: the SQLite ledger under -data, the Toss client
// with the mTLS certificate, package grant's API and refund sweep, and in
// dev mode the Toss simulator's control client.

package main

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

// devSweepRecheck: in dev mode the sweep asks about an order again at
// every pass, so a refund in the sandbox is seen by the next sweep.
const devSweepRecheck = time.Millisecond

type app struct {
	store    grant.Store
	grant    *grant.Server
	api      http.Handler
	sim      *tossapitest.Remote // dev mode only
	revoked  atomic.Int64        // orders revoked since start
	logger   *log.Logger
	toss     *tossapi.Client
	metrics  *metrics
	hashUser func(tossapi.UserKey) string
}

func openApp(ctx context.Context, cfg config, logger *slog.Logger, m *metrics) (*app, error) {
	a := &app{logger: slog.NewLogLogger(logger.Handler(), slog.LevelInfo), metrics: m}
	tossCfg := tossapi.Config{BaseURL: cfg.TossAPI, CertFile: cfg.MTLSCert, KeyFile: cfg.MTLSKey, CAFile: cfg.TossCA}
	clientCfg := tossCfg
	clientCfg.Observe = m.observeToss // the partner API calls, not the simulator's controls
	toss, err := tossapi.New(clientCfg)
	if err != nil {
		return nil, err
	}
	a.toss = toss
	store, err := openStore(ctx, cfg.Store, cfg.Data)
	if err != nil {
		return nil, err
	}
	a.store = timedStore{Store: store, m: m}
	var userKey []byte
	if cfg.LogUserKey != "" {
		userKey = []byte(cfg.LogUserKey)
	}
	a.hashUser = grant.UserHasher(userKey)
	gcfg := grant.Config{
		Logger:    logger,
		HashUser:  a.hashUser,
		OnGrant:   m.onGrant,
		Store:     a.store,
		Toss:      toss,
		Credits:   credits,
		OnRevoke:  a.onRevoke,
		Dev:       cfg.Dev,
		PlainHTTP: cfg.Dev, // the demo runs on http://127.0.0.1; production sits behind TLS
	}
	if cfg.Dev {
		gcfg.SweepRecheck = devSweepRecheck
		if a.sim, err = tossapitest.NewRemote(tossCfg); err != nil {
			a.Close()
			return nil, err
		}
	}
	if a.grant, err = grant.New(gcfg); err != nil {
		a.Close()
		return nil, err
	}
	a.api = a.grant.Handler()
	return a, nil
}

// onRevoke is the revoke hook: the store has already taken the credit back
// with the revoke; the demo logs it and counts it.
func (a *app) onRevoke(r grant.Record) {
	a.revoked.Add(1)
	a.metrics.revoked.Inc()
	a.logger.Printf("revoked refunded order %s of user %s (%s, -%d coins)", r.OrderID, a.hashUser(r.UserKey), r.SKU, r.Credit)
}

// sweepOnce runs one pass of the refund sweep now (dev: /api/dev/sweep).
func (a *app) sweepOnce(ctx context.Context) (sweepResult, error) {
	before := a.revoked.Load()
	err := a.grant.Sweep(ctx)
	return sweepResult{Revoked: a.revoked.Load() - before}, err
}

// startSweep runs the sweep every interval (0: never) until ctx ends; the
// channel closes when it has stopped.
func (a *app) startSweep(ctx context.Context, every time.Duration) <-chan struct{} {
	done := make(chan struct{})
	if every <= 0 {
		close(done)
		return done
	}
	go func() {
		defer close(done)
		a.grant.RunSweeper(ctx, every)
	}()
	return done
}

func (a *app) Close() error {
	if a.sim != nil {
		a.sim.Close()
	}
	if a.store != nil {
		if err := a.store.Close(); err != nil {
			return fmt.Errorf("closing the store: %w", err)
		}
	}
	return nil
}
