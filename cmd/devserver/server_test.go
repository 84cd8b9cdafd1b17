//go:build !js && !wasip1

package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStaticFiles(t *testing.T) {
	web := t.TempDir()
	files := map[string]string{
		"index.html":   "<!doctype html><title>goiap</title>",
		"main.wasm":    "\x00asm\x01\x00\x00\x00",
		"wasm_exec.js": "// go wasm glue",
		"app.mjs":      "export {}",
		"node_modules/@apps-in-toss/web-framework/dist/index.js": "export const sdk = 1",
	}
	for name, content := range files {
		p := filepath.Join(web, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	ts := httptest.NewServer(newServer(newTestStore(t), web, false).handler())
	t.Cleanup(ts.Close)

	cases := []struct {
		path, body, ctype string
	}{
		{"/", files["index.html"], "text/html; charset=utf-8"},
		{"/main.wasm", files["main.wasm"], "application/wasm"},
		{"/wasm_exec.js", files["wasm_exec.js"], "text/javascript; charset=utf-8"},
		{"/app.mjs", files["app.mjs"], "text/javascript; charset=utf-8"},
		{"/node_modules/@apps-in-toss/web-framework/dist/index.js", files["node_modules/@apps-in-toss/web-framework/dist/index.js"], "text/javascript; charset=utf-8"},
	}
	for _, tc := range cases {
		resp, err := testClient.Get(ts.URL + tc.path)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode, tc.path)
		assert.Equal(t, tc.body, string(body), tc.path)
		assert.Equal(t, tc.ctype, resp.Header.Get("Content-Type"), tc.path)
	}

	resp, err := testClient.Get(ts.URL + "/missing.js")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	// Unknown API paths answer JSON, not the file server's text.
	status, _, m := do(t, http.MethodGet, ts.URL+"/api/nope", "", "")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, "not found", m["error"])
}
