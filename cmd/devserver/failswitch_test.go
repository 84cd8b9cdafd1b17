//go:build !js && !wasip1

package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFailGrantsSwitch(t *testing.T) {
	ts, s := newTestAPI(t)
	sw := ts.URL + "/api/dev/fail-grants"
	grant := `{"orderId":"order-f","sku":"gem_100"}`

	status, _, m := do(t, http.MethodGet, sw, "", "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, map[string]any{"fail": false}, m)

	status, _, m = do(t, http.MethodPost, sw, "application/json", `{"fail":true}`)
	require.Equal(t, http.StatusOK, status, m)
	assert.Equal(t, map[string]any{"fail": true}, m)
	status, _, m = do(t, http.MethodGet, sw, "", "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, true, m["fail"])

	status, m = postGrant(t, ts.URL, grant)
	require.Equal(t, http.StatusServiceUnavailable, status, m)
	assert.Equal(t, "grant endpoint failing (dev switch)", m["error"])
	assert.Equal(t, 0, countRows(t, s.store, ""))

	// Bad switch bodies are refused and leave the switch as it was.
	for _, b := range []string{``, `{}`, `{"fail":"false"}`, `{"fail":0}`, `{"fail":null}`, `[false]`, `false`, `{"fail":false`} {
		status, _, m = do(t, http.MethodPost, sw, "application/json", b)
		assert.Equal(t, http.StatusBadRequest, status, "body %q: %v", b, m)
		assert.NotEmpty(t, m["error"])
	}
	status, _, m = do(t, http.MethodGet, sw, "", "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, true, m["fail"])

	status, h, m := do(t, http.MethodPut, sw, "application/json", `{"fail":false}`)
	require.Equal(t, http.StatusMethodNotAllowed, status, m)
	assert.Equal(t, "GET, POST", h.Get("Allow"))

	status, _, m = do(t, http.MethodPost, sw, "application/json", `{"fail":false}`)
	require.Equal(t, http.StatusOK, status, m)
	assert.Equal(t, false, m["fail"])

	status, m = postGrant(t, ts.URL, grant)
	require.Equal(t, http.StatusOK, status, m)
	assert.Equal(t, false, m["duplicate"])
	assert.Equal(t, 1, countRows(t, s.store, ""))
}

func TestFailGrantsFlagStartsFailing(t *testing.T) {
	s := newServer(newTestStore(t), t.TempDir(), true)
	ts := httptest.NewServer(s.handler())
	t.Cleanup(ts.Close)

	status, m := postGrant(t, ts.URL, `{"orderId":"o","sku":"s"}`)
	require.Equal(t, http.StatusServiceUnavailable, status, m)
	status, _, m = do(t, http.MethodGet, ts.URL+"/api/dev/fail-grants", "", "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, true, m["fail"])
	assert.Equal(t, 0, countRows(t, s.store, ""))
}
