//go:build !js && !wasip1

package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/grant/sqlitestore"
	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

// scrape reads /metrics into "name{labels}" → value.
func scrape(t *testing.T, url string) map[string]float64 {
	t.Helper()
	res, err := http.Get(url + "/metrics")
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	out := map[string]float64{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		require.NoError(t, err, line)
		out[line[:i]] = v
	}
	return out
}

func TestMetricsMoveOnAGrantAndARefund(t *testing.T) {
	r := startRun(t)
	page := browser(t, r.url)
	before := scrape(t, r.url)
	assert.Zero(t, before[`goiap_grants_total{result="granted"}`])

	_, code := page("POST", "/api/dev/toss/login-code", `{}`)
	status, _ := page("POST", "/api/login", `{"authorizationCode":"`+code["authorizationCode"].(string)+`","referrer":"SANDBOX"}`)
	require.Equal(t, http.StatusOK, status)
	status, _ = page("POST", "/api/login", `{"authorizationCode":"`+code["authorizationCode"].(string)+`","referrer":"SANDBOX"}`) // spent
	require.Equal(t, http.StatusUnauthorized, status)
	user := tossapi.UserKey(code["userKey"].(float64))
	id := r.sim.AddOrder(user, "item_coin_100", tossapi.StatusPaymentCompleted)
	for range 2 { // the second from the ledger
		status, body := page("POST", "/api/grant", `{"orderId":"`+id+`","sku":"item_coin_100"}`)
		require.Equal(t, http.StatusOK, status, "%v", body)
	}
	failed := r.sim.AddOrder(user, "item_coin_100", tossapi.StatusFailed)
	status, _ = page("POST", "/api/grant", `{"orderId":"`+failed+`","sku":"item_coin_100"}`)
	require.Equal(t, http.StatusConflict, status)
	r.sim.Refund(id)
	status, _ = page("POST", "/api/dev/sweep", `{}`)
	require.Equal(t, http.StatusOK, status)

	m := scrape(t, r.url)
	for name, want := range map[string]float64{
		`goiap_grants_total{result="granted"}`:                                        2,
		`goiap_grants_total{result="order_failed"}`:                                   1,
		`goiap_grant_duration_seconds_count{result="granted"}`:                        2,
		`goiap_toss_api_calls_total{endpoint="order_status",outcome="ok"}`:            3, // two grants asked Toss, and the sweep
		`goiap_toss_api_calls_total{endpoint="generate_token",outcome="ok"}`:          1,
		`goiap_toss_api_calls_total{endpoint="generate_token",outcome="refused"}`:     1,
		`goiap_toss_api_calls_total{endpoint="login_me",outcome="ok"}`:                1,
		`goiap_toss_api_duration_seconds_count{endpoint="order_status",outcome="ok"}`: 3,
		`goiap_ledger_duration_seconds_count{op="grant",outcome="ok"}`:                1,
		`goiap_ledger_duration_seconds_count{op="revoke",outcome="ok"}`:               1,
		`goiap_refunds_revoked_total`:                                                 1,
		`goiap_sessions_total{event="login"}`:                                         1,
		`goiap_sessions_total{event="login_refused"}`:                                 1,
	} {
		assert.Equal(t, want, m[name], name)
	}
	assert.Positive(t, m[`goiap_ledger_duration_seconds_count{op="record",outcome="not_found"}`])
	assert.Positive(t, m[`goiap_toss_api_duration_seconds_sum{endpoint="order_status",outcome="ok"}`])

	res, err := http.Get(r.url + "/healthz")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
}

// flakyStore is the real SQLite ledger behind a switch that makes every
// call fail, as a database that went away.
type flakyStore struct {
	grant.Store
	down atomic.Bool
}

var errDown = errors.New("database down")

func (s *flakyStore) Record(ctx context.Context, id string) (grant.Record, error) {
	if s.down.Load() {
		return grant.Record{}, errDown
	}
	return s.Store.Record(ctx, id)
}

func TestReadyzFollowsTheDatabaseAndToss(t *testing.T) {
	caCert, caKey, err := tossapitest.NewCA()
	require.NoError(t, err)
	sim, err := tossapitest.Start(tossapitest.Options{CACertPEM: caCert, CAKeyPEM: caKey})
	require.NoError(t, err)
	addr := strings.TrimPrefix(sim.URL, "https://")
	defer func() { sim.Close() }()
	tc := sim.Config(t)
	tc.Timeout = time.Second
	toss, err := tossapi.New(tc)
	require.NoError(t, err)
	defer toss.Close()
	real, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "grants.db"))
	require.NoError(t, err)
	defer real.Close()
	store := &flakyStore{Store: real}

	m := newMetrics()
	ready := newReadiness(store, toss, m)
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	ready.now = func() time.Time { return time.Unix(0, clock.Load()) }
	later := func() { clock.Add(int64(readyMaxAge)) } // the cached probe is stale
	mux := http.NewServeMux()
	opsRoutes(mux, m, ready)
	ts := httptest.NewServer(mux)
	defer ts.Close()
	readyz := func() (int, map[string]any) {
		res, err := http.Get(ts.URL + "/readyz")
		require.NoError(t, err)
		defer res.Body.Close()
		var body map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
		return res.StatusCode, body
	}

	status, body := readyz()
	require.Equal(t, http.StatusOK, status, "%v", body)
	assert.Equal(t, map[string]any{"database": "ok", "toss": "ok"}, body["checks"])

	store.down.Store(true)
	status, _ = readyz()
	assert.Equal(t, http.StatusOK, status, "answered from the probe of a moment ago")
	later()
	status, body = readyz()
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, "not_ready", body["code"])
	assert.Equal(t, "database down", body["checks"].(map[string]any)["database"])
	assert.Equal(t, "ok", body["checks"].(map[string]any)["toss"])
	assert.Equal(t, 0.0, gaugeValue(t, m, "database"))

	store.down.Store(false)
	later()
	status, _ = readyz()
	assert.Equal(t, http.StatusOK, status, "the database is back")

	sim.Close() // Toss down
	later()
	status, body = readyz()
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.NotEqual(t, "ok", body["checks"].(map[string]any)["toss"])
	assert.Equal(t, "ok", body["checks"].(map[string]any)["database"])

	// Toss back on the same address, with the same CA: ready again.
	sim, err = tossapitest.Start(tossapitest.Options{Addr: addr, CACertPEM: caCert, CAKeyPEM: caKey})
	require.NoError(t, err)
	later()
	status, body = readyz()
	assert.Equal(t, http.StatusOK, status, "%v", body)
	assert.Equal(t, 1.0, gaugeValue(t, m, "toss"))

	ready.drain()
	status, body = readyz()
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, "shutting_down", body["code"])
}

// Probes are shared: a burst of /readyz asks the database and Toss once.
func TestReadyzProbesOnceForManyCallers(t *testing.T) {
	var calls atomic.Int32
	slow := func(context.Context) error { calls.Add(1); time.Sleep(50 * time.Millisecond); return nil }
	r := &readiness{m: newMetrics(), now: time.Now, deps: []dependency{{"database", slow}, {"toss", slow}}}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for _, err := range r.state(context.Background()) {
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int32(2), calls.Load(), "one probe of each dependency")
}

func gaugeValue(t *testing.T, m *metrics, dep string) float64 {
	t.Helper()
	ts := httptest.NewServer(m.handler())
	defer ts.Close()
	return scrape(t, ts.URL)[`goiap_ready{dependency="`+dep+`"}`]
}

// The process itself: SIGTERM while a grant waits on Toss; the grant is
// answered 200, the process exits 0, and its JSON log has the grant's line.
func TestSIGTERMFinishesTheGrantInFlight(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the server")
	}
	bin := buildServer(t)
	sim := tossapitest.NewServer()
	defer sim.Close()
	tc := sim.Config(t)
	web := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(web, "index.html"), []byte("<!doctype html>"), 0o600))
	in := mustStart(t, bin, "127.0.0.1:0", []string{"-toss-api", tc.BaseURL, "-mtls-cert", tc.CertFile, "-mtls-key", tc.KeyFile,
		"-toss-ca", tc.CAFile, "-web", web, "-log-format", "json", "-log-user-key", "s3cret"})
	defer in.stop()
	client := &http.Client{Timeout: 20 * time.Second}
	user := sim.AddUser()
	cookie := login(t, client, in.url(), sim.NewLoginCode(user))
	id := sim.AddOrder(user, "item_coin_100", tossapi.StatusPaymentCompleted)

	sim.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, Times: 1, Latency: 800 * time.Millisecond})
	type answer struct {
		status int
		body   string
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		status, body, err := postGrant(context.Background(), client, in.url(), cookie, id)
		answered <- answer{status, body, err}
	}()
	require.Eventually(t, func() bool { return sim.Calls(tossapi.PathOrderStatus) == 1 }, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, in.cmd.Process.Signal(syscall.SIGTERM))
	a := <-answered
	require.NoError(t, a.err)
	assert.Equal(t, http.StatusOK, a.status, a.body)
	select {
	case <-in.done:
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not exit after SIGTERM")
	}
	assert.Equal(t, 0, in.cmd.ProcessState.ExitCode(), in.log())

	// Structured logs: the settings with the secrets masked, and the grant.
	log := in.log()
	assert.NotContains(t, log, "s3cret")
	assert.NotContains(t, log, user.String(), "users appear hashed")
	var sawConfig, sawGrant bool
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), "not a JSON line: %s", line)
		switch m["msg"] {
		case "config":
			sawConfig = true
			assert.Regexp(t, regexp.MustCompile(`mtls-key=\(set, masked\).*log-user-key=\(set, masked\)`), m["settings"])
		case "grant":
			sawGrant = true
			assert.Equal(t, id, m["orderId"])
			assert.Equal(t, "granted", m["result"])
			assert.Equal(t, "PAYMENT_COMPLETED", m["tossStatus"])
			assert.Len(t, m["user"], 16)
			assert.GreaterOrEqual(t, m["latencyMs"], 800.0)
		}
	}
	assert.True(t, sawConfig && sawGrant, log)
}
