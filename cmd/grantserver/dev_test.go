//go:build !js && !wasip1

package main

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
	"github.com/goiap/goiap/webroot"
)

// devFixture is the routing with a real Toss simulator behind the dev
// endpoints and a stand-in for the grant API that records what reached it.
type devFixture struct {
	sim      *tossapitest.Server
	url      string
	sweeps   atomic.Int32
	apiCalls atomic.Int32
}

func newDevFixture(t *testing.T, dev bool) *devFixture {
	t.Helper()
	f := &devFixture{sim: tossapitest.NewServer()}
	t.Cleanup(f.sim.Close)
	remote, err := tossapitest.NewRemote(f.sim.Config(t))
	require.NoError(t, err)
	t.Cleanup(remote.Close)

	web := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(web, "index.html"), []byte("<!doctype html>"), 0o644))
	static, err := webroot.New(web)
	require.NoError(t, err)
	t.Cleanup(func() { static.Close() })

	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.apiCalls.Add(1)
		writeError(w, http.StatusNotFound, "no_such_path", "the grant API stand-in")
	})
	var d *devAPI
	if dev {
		d = &devAPI{
			sim: remote, fail: &failSwitch{}, log: log.New(io.Discard, "", 0),
			sweep: func(context.Context) (sweepResult, error) {
				f.sweeps.Add(1)
				return sweepResult{Revoked: 1}, nil
			},
		}
	}
	ts := httptest.NewServer(routes(api, d, static, nil))
	t.Cleanup(ts.Close)
	f.url = ts.URL
	return f
}

var client = &http.Client{Timeout: 15 * time.Second}

// call sends a request (headers as key, value pairs) and decodes a JSON answer.
func call(t *testing.T, method, url, body string, kv ...string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(kv); i += 2 {
		req.Header.Set(kv[i], kv[i+1])
	}
	res, err := client.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	var out map[string]any
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		require.NoError(t, json.Unmarshal(raw, &out), "%s", raw)
	}
	return res, out
}

func TestDevTossLoginCodeAndOrders(t *testing.T) {
	f := newDevFixture(t, true)

	res, code := call(t, "POST", f.url+"/api/dev/toss/login-code", `{}`, "Origin", f.url, "Sec-Fetch-Site", "same-origin")
	require.Equal(t, http.StatusOK, res.StatusCode, "%v", code)
	assert.NotEmpty(t, code["authorizationCode"])
	assert.Equal(t, "SANDBOX", code["referrer"])
	user := tossapi.UserKey(code["userKey"].(float64))
	require.Positive(t, user)

	// The same user again.
	res, again := call(t, "POST", f.url+"/api/dev/toss/login-code", `{"userKey": `+user.String()+`}`)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, float64(user), again["userKey"])
	assert.NotEqual(t, code["authorizationCode"], again["authorizationCode"])

	res, order := call(t, "POST", f.url+"/api/dev/toss/orders", `{"userKey": `+user.String()+`, "sku": "item_coin_100"}`)
	require.Equal(t, http.StatusOK, res.StatusCode, "%v", order)
	id := order["orderId"].(string)
	owner, sku, st, ok := f.sim.Order(id)
	require.True(t, ok)
	assert.Equal(t, user, owner)
	assert.Equal(t, "item_coin_100", sku)
	assert.Equal(t, tossapi.StatusPaymentCompleted, st)

	res, refunded := call(t, "POST", f.url+"/api/dev/toss/orders/"+id+"/refund", `{}`)
	require.Equal(t, http.StatusOK, res.StatusCode, "%v", refunded)
	assert.Equal(t, true, refunded["refunded"])
	_, _, st, _ = f.sim.Order(id)
	assert.Equal(t, tossapi.StatusRefunded, st)

	res, sweep := call(t, "POST", f.url+"/api/dev/sweep", `{}`)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, float64(1), sweep["revoked"])
	assert.Equal(t, int32(1), f.sweeps.Load())
	assert.Zero(t, f.apiCalls.Load(), "the dev endpoints never reach the grant API")
}

func TestDevRefusals(t *testing.T) {
	f := newDevFixture(t, true)
	for name, c := range map[string]struct {
		method, path, body string
		headers            []string
		status             int
		code               string
	}{
		"foreign origin":       {"POST", "/api/dev/toss/login-code", `{}`, []string{"Origin", "http://evil.test"}, 403, "cross_site"},
		"null origin":          {"POST", "/api/dev/sweep", `{}`, []string{"Origin", "null"}, 403, "cross_site"},
		"cross-site fetch":     {"POST", "/api/dev/toss/orders", `{"userKey":1,"sku":"a"}`, []string{"Sec-Fetch-Site", "cross-site"}, 403, "cross_site"},
		"same-site fetch":      {"POST", "/api/dev/fail-grants", `{"fail":true}`, []string{"Sec-Fetch-Site", "same-site"}, 403, "cross_site"},
		"cross-site GET":       {"GET", "/api/dev/fail-grants", "", []string{"Origin", "http://evil.test"}, 403, "cross_site"},
		"text/plain":           {"POST", "/api/dev/sweep", `{}`, []string{"Content-Type", "text/plain"}, 415, "unsupported_media_type"},
		"form":                 {"POST", "/api/dev/toss/login-code", `a=1`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"},
		"trailing data":        {"POST", "/api/dev/toss/login-code", `{} {}`, nil, 400, "invalid_body"},
		"unknown field":        {"POST", "/api/dev/toss/login-code", `{"user": 1}`, nil, 400, "invalid_body"},
		"array":                {"POST", "/api/dev/sweep", `[]`, nil, 400, "invalid_body"},
		"empty body":           {"POST", "/api/dev/sweep", ``, []string{"Content-Type", "application/json"}, 400, "invalid_body"},
		"float user":           {"POST", "/api/dev/toss/login-code", `{"userKey": 1.5}`, nil, 400, "invalid_body"},
		"negative user":        {"POST", "/api/dev/toss/login-code", `{"userKey": -1}`, nil, 400, "invalid_body"},
		"order without user":   {"POST", "/api/dev/toss/orders", `{"sku":"item_coin_100"}`, nil, 400, "invalid_body"},
		"order with a bad sku": {"POST", "/api/dev/toss/orders", `{"userKey":1,"sku":"<script>"}`, nil, 400, "invalid_body"},
		"too big":              {"POST", "/api/dev/toss/orders", `{"sku":"` + strings.Repeat("a", 5000) + `"}`, nil, 413, "body_too_large"},
		"GET on a POST":        {"GET", "/api/dev/sweep", "", nil, 405, "method_not_allowed"},
		"no such dev endpoint": {"POST", "/api/dev/nothing", `{}`, nil, 404, "not_found"},
		"refund of no order":   {"POST", "/api/dev/toss/orders/nope/refund", `{}`, nil, 502, "toss_simulator"},
		"fail-grants non-bool": {"POST", "/api/dev/fail-grants", `{"fail":"yes"}`, nil, 400, "invalid_body"},
		"fail-grants null":     {"POST", "/api/dev/fail-grants", `{"fail":null}`, nil, 400, "invalid_body"},
	} {
		t.Run(name, func(t *testing.T) {
			res, body := call(t, c.method, f.url+c.path, c.body, c.headers...)
			assert.Equal(t, c.status, res.StatusCode, "%v", body)
			assert.Equal(t, c.code, body["code"])
			assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
		})
	}
	assert.Zero(t, f.sweeps.Load())
	res, body := call(t, "GET", f.url+"/api/dev/fail-grants", "")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, false, body["fail"], "no refused request flipped the switch")
}

func TestDevEndpointsOnlyInDevMode(t *testing.T) {
	f := newDevFixture(t, false)
	for _, path := range []string{"/api/dev/toss/login-code", "/api/dev/toss/orders", "/api/dev/sweep", "/api/dev/fail-grants", "/api/dev/toss/orders/x/refund"} {
		res, body := call(t, "POST", f.url+path, `{}`)
		assert.Equal(t, http.StatusNotFound, res.StatusCode, path)
		assert.Equal(t, "no_such_path", body["code"], "%s goes to the grant API, which has no such path", path)
	}
	assert.Equal(t, int32(5), f.apiCalls.Load())
	assert.Zero(t, f.sweeps.Load())
}

func TestFailGrantsSwitch(t *testing.T) {
	f := newDevFixture(t, true)
	res, body := call(t, "POST", f.url+"/api/dev/fail-grants", `{"fail": true}`, "Origin", f.url)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, true, body["fail"])

	res, body = call(t, "POST", f.url+"/api/grant", `{"orderId":"x"}`, "Origin", f.url)
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	assert.Equal(t, "dev_fail_grants", body["code"])
	assert.Equal(t, "1", res.Header.Get("Retry-After"))
	assert.Zero(t, f.apiCalls.Load())

	// Other API paths pass; a cross-site grant still goes to the grant API
	// (whose refusal comes first).
	call(t, "GET", f.url+"/api/me", "")
	call(t, "POST", f.url+"/api/grant", `{"orderId":"x"}`, "Origin", "http://evil.test")
	assert.Equal(t, int32(2), f.apiCalls.Load())

	call(t, "POST", f.url+"/api/dev/fail-grants", `{"fail": false}`)
	call(t, "POST", f.url+"/api/grant", `{"orderId":"x"}`)
	assert.Equal(t, int32(3), f.apiCalls.Load())
}

func TestEveryAnswerCarriesSecurityHeaders(t *testing.T) {
	f := newDevFixture(t, true)
	for _, path := range []string{"/", "/missing.js", "/api/me", "/api/dev/fail-grants", "/.env"} {
		res, _ := call(t, "GET", f.url+path, "")
		assert.Contains(t, res.Header.Get("Content-Security-Policy"), "script-src 'self' 'wasm-unsafe-eval'", path)
		assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"), path)
		assert.Equal(t, "same-origin", res.Header.Get("Referrer-Policy"), path)
	}
}

func TestHTTPServerLimits(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler())
	assert.Positive(t, srv.ReadHeaderTimeout)
	assert.Positive(t, srv.ReadTimeout)
	assert.Positive(t, srv.WriteTimeout)
	assert.Positive(t, srv.IdleTimeout)
	assert.Equal(t, 16<<10, srv.MaxHeaderBytes)
}
