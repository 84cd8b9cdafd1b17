//go:build !js && !wasip1

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/grant/sqlitestore"
	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

// running is run() in this process against a Toss fake, in dev mode.
type running struct {
	sim    *tossapitest.Server
	url    string // http://127.0.0.1:PORT
	cfg    config
	cancel context.CancelFunc
	done   chan error
}

func startRun(t *testing.T) *running {
	t.Helper()
	sim := tossapitest.NewServer()
	t.Cleanup(sim.Close)
	tc := sim.Config(t)
	root := t.TempDir()
	web := filepath.Join(root, "web")
	require.NoError(t, os.MkdirAll(web, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(web, "index.html"), []byte(`<!doctype html><script type="importmap">{}</script>`), 0o644))
	cfg := config{
		Addr: "127.0.0.1:0", Data: filepath.Join(root, "data"), Web: web, Dev: true,
		TossAPI: tc.BaseURL, MTLSCert: tc.CertFile, MTLSKey: tc.KeyFile, TossCA: tc.CAFile,
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{sim: sim, cfg: cfg, cancel: cancel, done: make(chan error, 1)}
	pr, pw := io.Pipe()
	go func() {
		r.done <- run(ctx, cfg, pw, log.New(io.Discard, "", 0))
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	go func() { _, _ = io.Copy(io.Discard, pr) }() // nothing more is printed
	m := regexp.MustCompile(`^goiap server: (http://127\.0\.0\.1:\d+)/\n$`).FindStringSubmatch(line)
	require.NotNil(t, m, "start line %q", line)
	r.url = m[1]
	t.Cleanup(func() {
		cancel()
		<-r.done
	})
	return r
}

// browser is a cookie-keeping client that sends what a page of our origin sends.
func browser(t *testing.T, origin string) func(method, path, body string) (int, map[string]any) {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	return func(method, path, body string) (int, map[string]any) {
		req, err := http.NewRequest(method, origin+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Origin", origin)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := c.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out
	}
}

func TestRunLoginGrantRefundSweep(t *testing.T) {
	r := startRun(t)
	page := browser(t, r.url)

	status, code := page("POST", "/api/dev/toss/login-code", `{}`)
	require.Equal(t, http.StatusOK, status, "%v", code)
	status, login := page("POST", "/api/login", `{"authorizationCode":"`+code["authorizationCode"].(string)+`","referrer":"SANDBOX"}`)
	require.Equal(t, http.StatusOK, status, "%v", login)
	user := code["userKey"].(float64)
	assert.Equal(t, user, login["userKey"])

	status, order := page("POST", "/api/dev/toss/orders", `{"userKey":`+tossapi.UserKey(user).String()+`,"sku":"item_coin_100"}`)
	require.Equal(t, http.StatusOK, status)
	id := order["orderId"].(string)
	status, granted := page("POST", "/api/grant", `{"orderId":"`+id+`","sku":"item_coin_100"}`)
	require.Equal(t, http.StatusOK, status, "%v", granted)
	_, me := page("GET", "/api/me", "")
	assert.Equal(t, map[string]any{"userKey": user, "grants": float64(1), "wallet": map[string]any{"balance": float64(100)}}, me)

	page("POST", "/api/dev/toss/orders/"+id+"/refund", `{}`)
	status, sweep := page("POST", "/api/dev/sweep", `{}`)
	require.Equal(t, http.StatusOK, status, "%v", sweep)
	assert.Equal(t, float64(1), sweep["revoked"])
	_, sweep = page("POST", "/api/dev/sweep", `{}`)
	assert.Equal(t, float64(0), sweep["revoked"], "revoked once")
	_, me = page("GET", "/api/me", "")
	assert.Equal(t, map[string]any{"userKey": user, "grants": float64(0), "wallet": map[string]any{"balance": float64(0)}}, me)

	// The page, with the policy that allows its import map.
	res, err := http.Get(r.url + "/")
	require.NoError(t, err)
	res.Body.Close()
	assert.Contains(t, res.Header.Get("Content-Security-Policy"), "'sha256-RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o='")
}

func TestRunFinishesGrantsInFlightOnShutdown(t *testing.T) {
	r := startRun(t)
	page := browser(t, r.url)
	_, code := page("POST", "/api/dev/toss/login-code", `{}`)
	status, _ := page("POST", "/api/login", `{"authorizationCode":"`+code["authorizationCode"].(string)+`","referrer":"SANDBOX"}`)
	require.Equal(t, http.StatusOK, status)
	user := tossapi.UserKey(code["userKey"].(float64))
	id := r.sim.AddOrder(user, "item_coin_100", tossapi.StatusPaymentCompleted)

	// Toss takes a while to answer this grant; the server is told to stop
	// while it waits.
	r.sim.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, Times: 1, Latency: 700 * time.Millisecond})
	answer := make(chan int, 1)
	go func() {
		status, _ := page("POST", "/api/grant", `{"orderId":"`+id+`","sku":"item_coin_100"}`)
		answer <- status
	}()
	require.Eventually(t, func() bool { return r.sim.Calls(tossapi.PathOrderStatus) == 1 }, 5*time.Second, 10*time.Millisecond)
	r.cancel()
	assert.Equal(t, http.StatusOK, <-answer, "the grant in flight finished")
	require.NoError(t, <-r.done)
	r.done <- nil // for the cleanup

	// The row is in the ledger the server closed.
	st, err := sqlitestore.Open(context.Background(), filepath.Join(r.cfg.Data, "grants.db"))
	require.NoError(t, err)
	defer st.Close()
	rec, err := st.Record(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, user, rec.UserKey)
	assert.Equal(t, int64(100), rec.Credit)
}

func TestRunRefusesDataInsideWeb(t *testing.T) {
	web := t.TempDir()
	cfg := config{Addr: "127.0.0.1:0", Data: filepath.Join(web, "data"), Web: web, TossAPI: "https://127.0.0.1:1", MTLSCert: "c", MTLSKey: "k"}
	err := run(context.Background(), cfg, io.Discard, log.New(io.Discard, "", 0))
	require.ErrorIs(t, err, errDataInWeb)
}
