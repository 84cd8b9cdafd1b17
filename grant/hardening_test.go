package grant_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/tossapi"
)

// TestCrossSiteRefusedFirst: another site's request is refused before its
// body, its content type or its (valid) session cookie count.
func TestCrossSiteRefusedFirst(t *testing.T) {
	e := newEnv(t, func(c *grant.Config) { c.AllowedOrigins = []string{"https://partner.example"} })
	user := e.fake.AddUser()
	c := e.login(user)
	order := e.fake.AddOrder(user, "coin_100", tossapi.StatusPaymentCompleted)

	for name, header := range map[string][]string{
		"foreign Origin":             {"Origin", "https://evil.example"},
		"null Origin":                {"Origin", "null"},
		"own host, other scheme":     {"Origin", strings.Replace(e.ts.URL, "http://", "https://", 1)},
		"Sec-Fetch-Site: cross-site": {"Sec-Fetch-Site", "cross-site"},
		"Sec-Fetch-Site: same-site":  {"Sec-Fetch-Site", "same-site"},
	} {
		r := e.call(c, "POST", "/api/grant", grantBody(order, "coin_100"), header...)
		assert.Equal(t, 403, r.status, name)
		assert.Equal(t, "cross_site", r.code(), name)
		r = e.call(c, "GET", "/api/me", "", header...)
		assert.Equal(t, 403, r.status, name)
		// First: even a wrong method, type or path is refused as cross-site.
		r = e.call(c, "PUT", "/api/nowhere", "x", append(header, "Content-Type", "text/plain")...)
		assert.Equal(t, "cross_site", r.code(), name)
	}
	assert.Equal(t, grant.Account{}, e.account(user), "nothing granted cross-site")
	assert.Zero(t, e.fake.Calls(tossapi.PathOrderStatus))

	// The page's own origin, a configured one, and scripts (no Origin) pass.
	for _, header := range [][]string{
		{"Origin", e.ts.URL, "Sec-Fetch-Site", "same-origin"},
		{"Origin", "https://partner.example", "Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "none"},
		nil,
	} {
		r := e.call(c, "POST", "/api/grant", grantBody(order, "coin_100"), header...)
		assert.Equal(t, 200, r.status, "%v: %v", header, r.body)
	}
	assert.Equal(t, grant.Account{Balance: 100, Grants: 1}, e.account(user))
}

func TestJSONOnly(t *testing.T) {
	e := newEnv(t)
	user := e.fake.AddUser()
	c := e.login(user)
	order := e.fake.AddOrder(user, "coin_100", tossapi.StatusPaymentCompleted)
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "application/json; charset=latin1", "application/jsonx"} {
		for _, path := range []string{"/api/grant", "/api/login", "/api/logout"} {
			r := e.call(c, "POST", path, grantBody(order, "coin_100"), "Content-Type", ct)
			assert.Equal(t, 415, r.status, "%s %q", path, ct)
			assert.Equal(t, "unsupported_media_type", r.code())
		}
	}
	assert.Equal(t, grant.Account{}, e.account(user))
	r := e.call(c, "POST", "/api/grant", grantBody(order, "coin_100"), "Content-Type", "application/json; charset=UTF-8")
	assert.Equal(t, 200, r.status, r.body)
}

func TestBodyRefusals(t *testing.T) {
	e := newEnv(t)
	user := e.fake.AddUser()
	c := e.login(user)
	order := e.fake.AddOrder(user, "coin_100", tossapi.StatusPaymentCompleted)
	huge := `{"orderId":"` + order + `","sku":"coin_100","pad":"` + strings.Repeat("p", 20<<10) + `"}`
	for body, want := range map[string]struct {
		status int
		code   string
	}{
		huge: {413, "body_too_large"},
		grantBody(order, "coin_100") + `{"orderId":"x","sku":"y"}`: {400, "trailing_data"},
		`[` + grantBody(order, "coin_100") + `]`:                   {400, "not_object"},
		`{"orderId":` + order + `,"sku":"coin_100"}`:               {400, "invalid_json"},
		`{"orderId":"` + order + "\xff" + `","sku":"coin_100"}`:    {400, "invalid_json"},
		`{"orderId":"` + order + `\n","sku":"coin_100"}`:           {400, "control_character"},
		`{"orderId":"` + strings.Repeat("a", 257) + `","sku":"s"}`: {400, "too_long"},
		`{"orderId":"` + order + `","sku":"s","subscriptionId":1}`: {400, "invalid_type"},
		`{"ORDERID":"` + order + `","sku":"coin_100"}`:             {400, "missing_field"},
	} {
		r := e.call(c, "POST", "/api/grant", body)
		assert.Equal(t, want.status, r.status, "%.60s: %v", body, r.body)
		assert.Equal(t, want.code, r.code(), "%.60s", body)
	}
	assert.Equal(t, grant.Account{}, e.account(user))
	assert.Zero(t, e.fake.Calls(tossapi.PathOrderStatus))
}

func TestUnknownPathsAndMethods(t *testing.T) {
	e := newEnv(t)
	c := e.browser()
	for _, path := range []string{"/api/nope", "/api/grant/extra", "/api/", "/other", "/api/dev/fail-grants"} {
		r := e.call(c, "GET", path, "")
		assert.Equal(t, 404, r.status, path)
		assert.Equal(t, "not_found", r.code(), path)
	}
	for _, tc := range []struct{ method, path, allow string }{
		{"GET", "/api/grant", "POST"},
		{"PUT", "/api/grant", "POST"},
		{"GET", "/api/login", "POST"},
		{"DELETE", "/api/logout", "POST"},
		{"POST", "/api/me", "GET"},
		{"POST", "/api/grants", "GET"},
		{"DELETE", "/api/grants/x", "GET"},
	} {
		r := e.call(c, tc.method, tc.path, "")
		assert.Equal(t, 405, r.status, "%s %s", tc.method, tc.path)
		assert.Equal(t, "method_not_allowed", r.code())
		assert.Equal(t, tc.allow, r.header.Get("Allow"))
	}

	// Without Dev the ledger views do not exist.
	prod := newEnv(t, func(c *grant.Config) { c.Dev = false })
	for _, path := range []string{"/api/grants", "/api/grants/x"} {
		r := prod.call(prod.browser(), "GET", path, "")
		assert.Equal(t, 404, r.status, path)
	}
}

func TestDevLedgerViews(t *testing.T) {
	e := newEnv(t)
	user := e.fake.AddUser()
	c := e.login(user)
	var orders []string
	for i := range 7 {
		o := e.fake.AddOrder(user, fmt.Sprint("coin_", i+1), tossapi.StatusPaymentCompleted)
		require.Equal(t, 200, e.call(c, "POST", "/api/grant", grantBody(o, "x")).status)
		orders = append(orders, o)
	}
	_, err := e.store.Revoke(t.Context(), orders[2], e.clock.Now())
	require.NoError(t, err)

	// No session needed; newest first; paged.
	anon := e.browser()
	var seen []string
	path := "/api/grants?limit=3"
	for range 10 {
		r := e.call(anon, "GET", path, "")
		require.Equal(t, 200, r.status, r.body)
		page := r.body["grants"].([]any)
		assert.LessOrEqual(t, len(page), 3)
		for _, g := range page {
			seen = append(seen, g.(map[string]any)["orderId"].(string))
		}
		next, ok := r.body["next"].(string)
		if !ok {
			break
		}
		path = "/api/grants?limit=3&cursor=" + next
	}
	for i, j := 0, len(orders)-1; i < j; i, j = i+1, j-1 {
		orders[i], orders[j] = orders[j], orders[i]
	}
	assert.Equal(t, orders, seen)

	r := e.call(anon, "GET", "/api/grants/"+orders[4], "") // the revoked one
	require.Equal(t, 200, r.status)
	assert.Equal(t, orders[4], r.body["orderId"])
	assert.Equal(t, "coin_3", r.body["sku"])
	assert.Equal(t, json.Number(user.String()), r.body["userKey"])
	assert.NotEmpty(t, r.body["grantedAt"])
	assert.NotNil(t, r.body["revokedAt"])
	r = e.call(anon, "GET", "/api/grants/"+orders[0], "")
	require.Contains(t, r.body, "revokedAt")
	assert.Nil(t, r.body["revokedAt"], "null until revoked")
	assert.Len(t, r.body, 5)

	r = e.call(anon, "GET", "/api/grants/never-granted", "")
	assert.Equal(t, 404, r.status)
	assert.Equal(t, "grant_not_found", r.code())

	for _, q := range []string{"limit=0", "limit=-1", "limit=x", "cursor=bogus"} {
		r = e.call(anon, "GET", "/api/grants?"+q, "")
		assert.Equal(t, 400, r.status, q)
		assert.Equal(t, "bad_query", r.code(), q)
	}
	r = e.call(anon, "GET", "/api/grants?limit=100000", "")
	assert.Equal(t, 200, r.status, "a large limit is capped, not refused")
	assert.Len(t, r.body["grants"], 7)
}

func TestStoreDownIs503(t *testing.T) {
	e := newEnv(t)
	user := e.fake.AddUser()
	c := e.login(user)
	order := e.fake.AddOrder(user, "coin_1", tossapi.StatusPaymentCompleted)
	require.NoError(t, e.store.Close())
	for _, req := range [][2]string{{"POST", "/api/grant"}, {"GET", "/api/me"}, {"GET", "/api/grants"}} {
		r := e.call(c, req[0], req[1], grantBody(order, "coin_1"))
		assert.Equal(t, http.StatusServiceUnavailable, r.status, req)
		assert.Equal(t, "store_unavailable", r.code(), req)
	}
}
