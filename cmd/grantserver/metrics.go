//go:build !js && !wasip1

// Prometheus metrics of the grant server, served on /metrics: grants by
// result, Toss API calls by endpoint and outcome with their latency, the
// ledger's transactions with theirs, refunds revoked, sessions.

package main

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/tossapi"
)

// Buckets from 1 ms to about 33 s: a grant may wait on Toss's retries.
var latencyBuckets = prometheus.ExponentialBuckets(0.001, 2, 16)

type metrics struct {
	reg          *prometheus.Registry
	grants       *prometheus.CounterVec
	grantLatency *prometheus.HistogramVec
	tossCalls    *prometheus.CounterVec
	tossLatency  *prometheus.HistogramVec
	ledger       *prometheus.HistogramVec
	revoked      prometheus.Counter
	sessions     *prometheus.CounterVec
	ready        *prometheus.GaugeVec
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.grants = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "goiap_grants_total",
		Help: `Answered POST /api/grant requests by result: "granted" or the answer's code.`,
	}, []string{"result"})
	m.grantLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "goiap_grant_duration_seconds", Help: "Time to answer POST /api/grant, by result.", Buckets: latencyBuckets,
	}, []string{"result"})
	m.tossCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "goiap_toss_api_calls_total",
		Help: "Calls to the Apps in Toss partner API (all attempts of one call count once), by endpoint and outcome.",
	}, []string{"endpoint", "outcome"})
	m.tossLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "goiap_toss_api_duration_seconds", Help: "Latency of partner API calls, retries included.", Buckets: latencyBuckets,
	}, []string{"endpoint", "outcome"})
	m.ledger = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "goiap_ledger_duration_seconds", Help: "Latency of the ledger's operations (each one transaction), by operation and outcome.", Buckets: latencyBuckets,
	}, []string{"op", "outcome"})
	m.revoked = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "goiap_refunds_revoked_total", Help: "Grants revoked by the refund sweep because Toss reported the order refunded.",
	})
	m.sessions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "goiap_sessions_total", Help: `Session events: "login" (created), "login_refused", "logout".`,
	}, []string{"event"})
	m.ready = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "goiap_ready", Help: "1 when the last readiness probe of a dependency (database, toss) succeeded.",
	}, []string{"dependency"})
	m.reg.MustRegister(m.grants, m.grantLatency, m.tossCalls, m.tossLatency, m.ledger, m.revoked, m.sessions, m.ready,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// onGrant is grant.Config.OnGrant.
func (m *metrics) onGrant(g grant.Grant) {
	m.grants.WithLabelValues(g.Result).Inc()
	m.grantLatency.WithLabelValues(g.Result).Observe(g.Latency.Seconds())
}

// endpoints names the partner API paths for labels.
var endpoints = map[string]string{
	tossapi.PathOrderStatus:   "order_status",
	tossapi.PathGenerateToken: "generate_token",
	tossapi.PathRefreshToken:  "refresh_token",
	tossapi.PathLoginMe:       "login_me",
}

// observeToss is tossapi.Config.Observe.
func (m *metrics) observeToss(o tossapi.Observation) {
	ep, ok := endpoints[o.Path]
	if !ok {
		ep = "other"
	}
	m.tossCalls.WithLabelValues(ep, o.Outcome).Inc()
	m.tossLatency.WithLabelValues(ep, o.Outcome).Observe(o.Duration.Seconds())
}

// sessionEvents counts logins and logouts by their answers.
func (m *metrics) sessionEvents(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/login" && r.URL.Path != "/api/logout" {
			next.ServeHTTP(w, r)
			return
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		switch {
		case r.URL.Path == "/api/logout" && rec.status == http.StatusOK:
			m.sessions.WithLabelValues("logout").Inc()
		case r.URL.Path == "/api/login" && rec.status == http.StatusOK:
			m.sessions.WithLabelValues("login").Inc()
		case r.URL.Path == "/api/login":
			m.sessions.WithLabelValues("login_refused").Inc()
		}
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// timedStore is a grant.Store whose every operation is timed into the
// ledger histogram.
type timedStore struct {
	grant.Store
	m *metrics
}

func (s timedStore) time(op string, start time.Time, err error) {
	outcome := "ok"
	switch {
	case err == nil:
	case errors.Is(err, grant.ErrNotFound):
		outcome = "not_found"
	default:
		outcome = "error"
	}
	s.m.ledger.WithLabelValues(op, outcome).Observe(time.Since(start).Seconds())
}

func (s timedStore) Grant(ctx context.Context, r grant.Record) (stored grant.Record, existed bool, err error) {
	defer func(t time.Time) { s.time("grant", t, err) }(time.Now())
	return s.Store.Grant(ctx, r)
}

func (s timedStore) Record(ctx context.Context, orderID string) (r grant.Record, err error) {
	defer func(t time.Time) { s.time("record", t, err) }(time.Now())
	return s.Store.Record(ctx, orderID)
}

func (s timedStore) Records(ctx context.Context, cursor string, limit int) (page []grant.Record, next string, err error) {
	defer func(t time.Time) { s.time("records", t, err) }(time.Now())
	return s.Store.Records(ctx, cursor, limit)
}

func (s timedStore) Revoke(ctx context.Context, orderID string, at time.Time) (revoked bool, err error) {
	defer func(t time.Time) { s.time("revoke", t, err) }(time.Now())
	return s.Store.Revoke(ctx, orderID, at)
}

func (s timedStore) DueForCheck(ctx context.Context, grantedAfter, checkedBefore time.Time, limit int) (rs []grant.Record, err error) {
	defer func(t time.Time) { s.time("due_for_check", t, err) }(time.Now())
	return s.Store.DueForCheck(ctx, grantedAfter, checkedBefore, limit)
}

func (s timedStore) MarkChecked(ctx context.Context, orderID string, at time.Time) (err error) {
	defer func(t time.Time) { s.time("mark_checked", t, err) }(time.Now())
	return s.Store.MarkChecked(ctx, orderID, at)
}

func (s timedStore) Account(ctx context.Context, user tossapi.UserKey) (a grant.Account, err error) {
	defer func(t time.Time) { s.time("account", t, err) }(time.Now())
	return s.Store.Account(ctx, user)
}

func (s timedStore) CreateSession(ctx context.Context, sess grant.Session) (err error) {
	defer func(t time.Time) { s.time("create_session", t, err) }(time.Now())
	return s.Store.CreateSession(ctx, sess)
}

func (s timedStore) Session(ctx context.Context, id string, now time.Time) (sess grant.Session, err error) {
	defer func(t time.Time) { s.time("session", t, err) }(time.Now())
	return s.Store.Session(ctx, id, now)
}

func (s timedStore) DeleteSession(ctx context.Context, id string) (err error) {
	defer func(t time.Time) { s.time("delete_session", t, err) }(time.Now())
	return s.Store.DeleteSession(ctx, id)
}

func (s timedStore) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (ok bool, err error) {
	defer func(t time.Time) { s.time("acquire_lease", t, err) }(time.Now())
	return s.Store.AcquireLease(ctx, name, holder, ttl, now)
}
