package grant_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

func TestLogin(t *testing.T) {
	e := newEnv(t)
	const user tossapi.UserKey = 9007199254740993 // above 2^53: a float would round it
	e.fake.AddUserKey(user)
	c := e.browser()

	r := e.call(c, "POST", "/api/login", `{"authorizationCode":"`+e.fake.NewLoginCode(user)+`","referrer":"DEFAULT"}`)
	require.Equal(t, 200, r.status, r.body)
	assert.Equal(t, json.Number("9007199254740993"), r.body["userKey"])

	cookies := (&http.Response{Header: r.header}).Cookies()
	require.Len(t, cookies, 1)
	ck := cookies[0]
	assert.Equal(t, "goiap-session", ck.Name)
	assert.True(t, ck.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, ck.SameSite)
	assert.Equal(t, "/", ck.Path)
	assert.False(t, ck.Secure, "plain HTTP was configured")
	assert.Positive(t, ck.MaxAge)

	// The store keeps the tokens under a hash of the cookie, never the cookie.
	_, err := e.store.Session(t.Context(), ck.Value, e.clock.Now())
	assert.ErrorIs(t, err, grant.ErrNotFound)

	r = e.call(c, "GET", "/api/me", "")
	require.Equal(t, 200, r.status, r.body)
	assert.Equal(t, json.Number("9007199254740993"), r.body["userKey"])
	assert.Equal(t, json.Number("0"), r.body["grants"])
	assert.Equal(t, map[string]any{"balance": json.Number("0")}, r.body["wallet"])

	r = e.call(c, "POST", "/api/logout", "")
	require.Equal(t, 200, r.status, r.body)
	r = e.call(c, "GET", "/api/me", "")
	assert.Equal(t, 401, r.status)
	assert.Equal(t, "no_session", r.code())

	// A stolen cookie is dead after logout too.
	r = e.call(http.DefaultClient, "GET", "/api/me", "", "Cookie", "goiap-session="+ck.Value)
	assert.Equal(t, 401, r.status)
}

func TestLoginSessionExpires(t *testing.T) {
	e := newEnv(t)
	c := e.login(e.fake.AddUser())
	require.Equal(t, 200, e.call(c, "GET", "/api/me", "").status)
	e.clock.Add(25 * time.Hour) // past the default 24 hours
	r := e.call(c, "GET", "/api/me", "")
	assert.Equal(t, 401, r.status)
	assert.Equal(t, "no_session", r.code())
}

func TestLoginSecureCookie(t *testing.T) {
	e := newEnv(t, func(c *grant.Config) { c.PlainHTTP = false })
	req := httptest.NewRequest("POST", "https://app.example/api/login",
		strings.NewReader(`{"authorizationCode":"`+e.fake.NewLoginCode(e.fake.AddUser())+`","referrer":"SANDBOX"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "https://app.example")
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	require.Equal(t, 200, rec.Code, rec.Body.String())
	cookies := rec.Result().Cookies()
	require.Len(t, cookies, 1)
	assert.Equal(t, "__Host-goiap-session", cookies[0].Name)
	assert.True(t, cookies[0].Secure)
	assert.True(t, cookies[0].HttpOnly)
}

func TestLoginRefused(t *testing.T) {
	e := newEnv(t)
	user := e.fake.AddUser()
	login := func(code string) result {
		return e.call(e.browser(), "POST", "/api/login", `{"authorizationCode":"`+code+`","referrer":"SANDBOX"}`)
	}

	used := e.fake.NewLoginCode(user)
	require.Equal(t, 200, login(used).status)
	for name, code := range map[string]string{"reused code": used, "made-up code": "nope"} {
		r := login(code)
		assert.Equal(t, 401, r.status, name)
		assert.Equal(t, "login_refused", r.code(), name)
		assert.Empty(t, r.header.Values("Set-Cookie"), name)
	}

	// Toss refusing with a FAIL envelope and OAuth-style: both are 401.
	e.fake.Inject(tossapitest.Fault{Path: tossapi.PathGenerateToken, Times: 1, Code: "INVALID_AUTHORIZATION_CODE", Reason: "bad code"})
	r := login(e.fake.NewLoginCode(user))
	assert.Equal(t, 401, r.status, r.body)
	assert.Equal(t, "login_refused", r.code())
	e.fake.Inject(tossapitest.Fault{Path: tossapi.PathGenerateToken, Times: 1, OAuthError: "invalid_grant"})
	r = login(e.fake.NewLoginCode(user))
	assert.Equal(t, 401, r.status, r.body)

	// Toss down: 503 with Retry-After, and no session.
	for name, f := range map[string]tossapitest.Fault{
		"5xx":     {Path: tossapi.PathGenerateToken, HTTPStatus: 502},
		"dropped": {Path: tossapi.PathLoginMe, Drop: true},
	} {
		e.fake.Inject(f)
		r = login(e.fake.NewLoginCode(user))
		assert.Equal(t, 503, r.status, name)
		assert.Equal(t, "toss_unavailable", r.code(), name)
		assert.NotEmpty(t, r.header.Get("Retry-After"), name)
		assert.Empty(t, r.header.Values("Set-Cookie"), name)
		e.fake.ClearFaults()
	}
	assert.Equal(t, 200, login(e.fake.NewLoginCode(user)).status, "back up")
}

func TestLoginBadBodies(t *testing.T) {
	e := newEnv(t)
	for body, code := range map[string]string{
		`{"referrer":"SANDBOX"}`:                          "missing_field",
		`{"authorizationCode":7,"referrer":"SANDBOX"}`:    "invalid_type",
		`{"authorizationCode":"a","referrer":"SANDBOX"}x`: "trailing_data",
		`{"authorizationCode":"a\u0000","referrer":"S"}`:  "control_character",
	} {
		r := e.call(e.browser(), "POST", "/api/login", body)
		assert.Equal(t, 400, r.status, body)
		assert.Equal(t, code, r.code(), body)
	}
	assert.Zero(t, e.fake.Calls(tossapi.PathGenerateToken), "Toss is not asked about a bad body")
}
