//go:build !js && !wasip1

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// newTestStore opens a store in a fresh temp dir and closes it with the test.
func newTestStore(t *testing.T) *grantStore {
	t.Helper()
	st, err := openStore(filepath.Join(t.TempDir(), "grants.db"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	return st
}

// newTestAPI starts an httptest server over a fresh store.
func newTestAPI(t *testing.T) (*httptest.Server, *server) {
	t.Helper()
	s := newServer(newTestStore(t), t.TempDir(), false)
	ts := httptest.NewServer(s.handler())
	t.Cleanup(ts.Close)
	return ts, s
}

// countRows returns the number of rows in grants, optionally for one orderId.
func countRows(t *testing.T, st *grantStore, orderID string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var n int
	var err error
	if orderID == "" {
		err = st.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM grants`).Scan(&n)
	} else {
		err = st.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM grants WHERE orderId = ?`, orderID).Scan(&n)
	}
	require.NoError(t, err)
	return n
}

var testClient = &http.Client{Timeout: 10 * time.Second}

// do sends a request and returns status, headers and the decoded JSON body
// (nil if the body is not JSON). API answers must carry the JSON headers.
func do(t *testing.T, method, url, contentType, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := testClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var m map[string]any
	if strings.Contains(req.URL.Path, "/api/") {
		require.Equal(t, "application/json", resp.Header.Get("Content-Type"), "body %s", raw)
		require.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
		require.NoError(t, json.Unmarshal(raw, &m), "body %s", raw)
	}
	return resp.StatusCode, resp.Header, m
}

// postGrant posts a JSON body to /api/grant.
func postGrant(t *testing.T, base, body string) (int, map[string]any) {
	t.Helper()
	status, _, m := do(t, http.MethodPost, base+"/api/grant", "application/json", body)
	return status, m
}

// rawPost posts a JSON body and returns status and decoded body. Unlike do it
// never calls t.FailNow, so it is safe off the test goroutine, and transport
// errors (expected once a server is killed) come back as err.
func rawPost(client *http.Client, url, body string) (int, map[string]any, error) {
	resp, err := client.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return resp.StatusCode, nil, fmt.Errorf("decode %q: %w", raw, err)
	}
	return resp.StatusCode, m, nil
}
