package grant_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/grant/sqlitestore"
	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

// credits is the demo's price list: coin_N credits N.
func credits(sku string) int64 {
	var n int64
	if _, err := fmt.Sscanf(sku, "coin_%d", &n); err != nil {
		return 0
	}
	return n
}

// env is a grant server over a fresh SQLite file, talking to a fake Toss
// over mutual TLS, behind a plain-HTTP test server.
type env struct {
	t     *testing.T
	fake  *tossapitest.Server
	store grant.Store
	srv   *grant.Server
	ts    *httptest.Server
	clock *clock

	mu      sync.Mutex
	revoked []grant.Record
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newEnv(t *testing.T, configure ...func(*grant.Config)) *env {
	t.Helper()
	fake := tossapitest.NewServer()
	t.Cleanup(fake.Close)
	tossCfg := fake.Config(t)
	tossCfg.MaxAttempts = 2 // one retry: quick tests of a Toss that stays down
	toss, err := tossapi.New(tossCfg)
	require.NoError(t, err)
	t.Cleanup(toss.Close)
	store, err := sqlitestore.Open(t.Context(), filepath.Join(t.TempDir(), "grants.db"))
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })

	e := &env{t: t, fake: fake, store: store, clock: &clock{now: time.Now().UTC().Truncate(time.Microsecond)}}
	cfg := grant.Config{
		Store: store, Toss: toss, Credits: credits, Dev: true, PlainHTTP: true,
		Now: e.clock.Now, Logger: slog.New(slog.DiscardHandler),
		OnRevoke: func(r grant.Record) {
			e.mu.Lock()
			e.revoked = append(e.revoked, r)
			e.mu.Unlock()
		},
	}
	for _, f := range configure {
		f(&cfg)
	}
	e.srv, err = grant.New(cfg)
	require.NoError(t, err)
	e.ts = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.ts.Close)
	return e
}

// browser is a client with a cookie jar, as a page's fetch.
func (e *env) browser() *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(e.t, err)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

// login logs a new browser in as user.
func (e *env) login(user tossapi.UserKey) *http.Client {
	e.t.Helper()
	c := e.browser()
	res := e.call(c, "POST", "/api/login", `{"authorizationCode":"`+e.fake.NewLoginCode(user)+`","referrer":"SANDBOX"}`)
	require.Equal(e.t, 200, res.status, res.body)
	return c
}

// result is an answer, its body decoded with exact numbers.
type result struct {
	status int
	header http.Header
	body   map[string]any
	err    error
}

func (r result) code() any { return r.body["code"] }

// send makes a request and checks what every API answer must carry; it
// never fails the test itself, so goroutines may use it.
func (e *env) send(c *http.Client, method, path, body string, header ...string) result {
	req, err := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	if err != nil {
		return result{err: err}
	}
	if method == "POST" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{err: err}
	}
	r := result{status: resp.StatusCode, header: resp.Header}
	switch {
	case resp.Header.Get("Content-Type") != "application/json":
		r.err = fmt.Errorf("Content-Type %q: %s", resp.Header.Get("Content-Type"), raw)
	case resp.Header.Get("Cache-Control") != "no-store":
		r.err = fmt.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
	default:
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		r.err = dec.Decode(&r.body)
	}
	if r.err == nil && r.status != 200 {
		if code, _ := r.body["code"].(string); code == "" {
			r.err = fmt.Errorf("status %d without a code: %s", r.status, raw)
		}
		if r.status == 503 && r.header.Get("Retry-After") == "" {
			r.err = fmt.Errorf("503 without Retry-After: %s", raw)
		}
	}
	return r
}

// call is send that fails the test on a malformed answer.
func (e *env) call(c *http.Client, method, path, body string, header ...string) result {
	e.t.Helper()
	r := e.send(c, method, path, body, header...)
	require.NoError(e.t, r.err, "%s %s", method, path)
	return r
}

func grantBody(orderID, sku string) string {
	return `{"orderId":"` + orderID + `","sku":"` + sku + `"}`
}

// ledger returns the order's row, or false.
func (e *env) ledger(orderID string) (grant.Record, bool) {
	e.t.Helper()
	r, err := e.store.Record(e.t.Context(), orderID)
	if err == nil {
		return r, true
	}
	require.ErrorIs(e.t, err, grant.ErrNotFound)
	return grant.Record{}, false
}

func (e *env) account(user tossapi.UserKey) grant.Account {
	e.t.Helper()
	a, err := e.store.Account(e.t.Context(), user)
	require.NoError(e.t, err)
	return a
}

func (e *env) revokes() []grant.Record {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]grant.Record(nil), e.revoked...)
}
