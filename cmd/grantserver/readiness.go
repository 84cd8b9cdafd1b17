//go:build !js && !wasip1

// Liveness and readiness: /healthz answers while the process serves;
// /readyz answers 200 only when the ledger's database and the Toss API
// both answer, from a probe no older than readyMaxAge, so a load balancer
// polling every second costs a database read and a TLS round trip to Toss
// every few seconds, not per poll. While shutting down, /readyz answers 503
// at once so the balancer stops sending before the listener closes.

package main

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/tossapi"
)

const (
	readyMaxAge  = 2 * time.Second
	probeTimeout = 2 * time.Second
)

// readinessProbeOrder is an order id no grant has: reading it is the
// database check (ErrNotFound is the healthy answer).
const readinessProbeOrder = "goiap-readiness-probe"

type dependency struct {
	name  string
	check func(ctx context.Context) error
}

type readiness struct {
	deps     []dependency
	m        *metrics
	now      func() time.Time
	draining atomic.Bool

	mu      sync.Mutex
	at      time.Time        // when the last probe ended
	errs    map[string]error // its results
	probing chan struct{}    // closed when the probe in progress ends
}

func newReadiness(store grant.Store, toss *tossapi.Client, m *metrics) *readiness {
	return &readiness{m: m, now: time.Now, deps: []dependency{
		{"database", func(ctx context.Context) error {
			_, err := store.Record(ctx, readinessProbeOrder)
			if errors.Is(err, grant.ErrNotFound) {
				return nil
			}
			if err == nil {
				return errors.New("the probe order exists")
			}
			return err
		}},
		{"toss", toss.Ping},
	}}
}

// state answers the results of a probe no older than readyMaxAge, probing
// now if needed; callers arriving during a probe share it.
func (r *readiness) state(ctx context.Context) map[string]error {
	r.mu.Lock()
	for {
		if r.errs != nil && r.now().Sub(r.at) < readyMaxAge {
			errs := r.errs
			r.mu.Unlock()
			return errs
		}
		if r.probing == nil {
			break
		}
		wait := r.probing
		r.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return map[string]error{"probe": ctx.Err()}
		}
		r.mu.Lock()
	}
	done := make(chan struct{})
	r.probing = done
	r.mu.Unlock()

	errs := r.probe()
	r.mu.Lock()
	r.errs, r.at, r.probing = errs, r.now(), nil
	r.mu.Unlock()
	close(done)
	return errs
}

// probe checks every dependency at once, each within probeTimeout.
func (r *readiness) probe() map[string]error {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	errs := make([]error, len(r.deps))
	var wg sync.WaitGroup
	for i, d := range r.deps {
		wg.Go(func() { errs[i] = d.check(ctx) })
	}
	wg.Wait()
	out := map[string]error{}
	for i, d := range r.deps {
		out[d.name] = errs[i]
		up := 0.0
		if errs[i] == nil {
			up = 1
		}
		r.m.ready.WithLabelValues(d.name).Set(up)
	}
	return out
}

// drain makes /readyz answer 503 from now on.
func (r *readiness) drain() { r.draining.Store(true) }

func (r *readiness) serveReady(w http.ResponseWriter, req *http.Request) {
	if r.draining.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ready": false, "code": "shutting_down"})
		return
	}
	checks := map[string]string{}
	ready := true
	for name, err := range r.state(req.Context()) {
		checks[name] = "ok"
		if err != nil {
			checks[name] = err.Error()
			ready = false
		}
	}
	if !ready {
		w.Header().Set("Retry-After", "2")
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ready": false, "code": "not_ready", "checks": checks})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ready": true, "checks": checks})
}

func serveAlive(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"alive": true})
}

// opsRoutes are /metrics, /healthz and /readyz, on the main listener or on
// -ops-addr.
func opsRoutes(mux *http.ServeMux, m *metrics, r *readiness) {
	mux.Handle("GET /metrics", m.handler())
	mux.HandleFunc("GET /healthz", serveAlive)
	mux.HandleFunc("GET /readyz", r.serveReady)
}
