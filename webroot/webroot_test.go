//go:build !js && !wasip1

package webroot

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testImportMap = `
  {"imports": {"@apps-in-toss/bridge-core": "./node_modules/@apps-in-toss/bridge-core/dist/index.js"}}
  `

// webDir writes a small web directory, with traps beside the real files.
func webDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	outside := t.TempDir()
	files := map[string]string{
		"index.html":    `<!doctype html><script type="importmap">` + testImportMap + `</script><script type="module" src="./demo.js"></script>`,
		"demo.js":       "export const demo = 1;\n",
		"main.wasm":     "raw wasm bytes",
		"main.wasm.br":  "brotli bytes",
		"main.wasm.gz":  "gzip bytes!",
		"only-gz.js":    "plain",
		"only-gz.js.gz": "gz",
		"stale.js":      "new build",
		"stale.js.br":   "old build",
		".env":          "SECRET=1",
		".git/config":   "[core]",
		"sub/.hidden":   "no",
		"sub/page.css":  "body{}",
		"node_modules/@apps-in-toss/web-bridge/dist/index.js":   "export {};",
		"node_modules/@apps-in-toss/web-bridge/dist/index.d.ts": "declare",
		"node_modules/@apps-in-toss/web-bridge/package.json":    "{}",
		"node_modules/@apps-in-toss/web-bridge/src/index.js":    "src",
		"node_modules/left-pad/dist/index.js":                   "other package",
		"node_modules/.package-lock.json":                       "{}",
		"lib/node_modules/@apps-in-toss/x/dist/y.js":            "not at the top",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	// One build time for every file (the map writes them in any order),
	// an older one for the stale twin.
	built := time.Now().Add(-time.Minute)
	for name := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.Chtimes(p, built, built))
	}
	old := built.Add(-time.Hour)
	require.NoError(t, os.Chtimes(filepath.Join(dir, "stale.js.br"), old, old))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("outside"), 0o644))
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "escape.txt")))
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, "escapedir")))
	require.NoError(t, os.Symlink("demo.js", filepath.Join(dir, "alias.js")))
	return dir
}

func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	h, err := New(webDir(t))
	require.NoError(t, err)
	t.Cleanup(func() { h.Close() })
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// get fetches path with the given request headers (key, value pairs); the
// transport's own gzip handling is off so Content-Encoding is seen as sent.
func get(t *testing.T, ts *httptest.Server, method, path string, kv ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(kv); i += 2 {
		req.Header.Set(kv[i], kv[i+1])
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: 10 * time.Second}
	res, err := client.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(body)
}

func assertSecurityHeaders(t *testing.T, res *http.Response) {
	t.Helper()
	csp := res.Header.Get("Content-Security-Policy")
	assert.Contains(t, csp, "script-src 'self' 'wasm-unsafe-eval'", res.Request.URL.Path)
	assert.Contains(t, csp, "object-src 'none'")
	assert.NotContains(t, csp, "'unsafe-eval'")
	assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	assert.Equal(t, "same-origin", res.Header.Get("Referrer-Policy"))
}

func TestServesFilesWithPinnedTypes(t *testing.T) {
	ts := newTestServer(t)
	for path, want := range map[string]struct{ ctype, body string }{
		"/":             {"text/html; charset=utf-8", ""},
		"/index.html":   {"text/html; charset=utf-8", ""},
		"/demo.js":      {"text/javascript; charset=utf-8", "export const demo = 1;\n"},
		"/main.wasm":    {"application/wasm", "raw wasm bytes"},
		"/sub/page.css": {"text/css; charset=utf-8", "body{}"},
		"/alias.js":     {"text/javascript; charset=utf-8", "export const demo = 1;\n"},
		"/node_modules/@apps-in-toss/web-bridge/dist/index.js": {"text/javascript; charset=utf-8", "export {};"},
	} {
		res, body := get(t, ts, "GET", path)
		require.Equal(t, http.StatusOK, res.StatusCode, path)
		assert.Equal(t, want.ctype, res.Header.Get("Content-Type"), path)
		if want.body != "" {
			assert.Equal(t, want.body, body, path)
		}
		assert.Empty(t, res.Header.Get("Content-Encoding"), path)
		assert.Equal(t, "no-cache", res.Header.Get("Cache-Control"), path)
		assert.NotEmpty(t, res.Header.Get("ETag"), path)
		assertSecurityHeaders(t, res)
	}
}

func TestRefusesWhatIsNotThePage(t *testing.T) {
	ts := newTestServer(t)
	for _, path := range []string{
		"/.env", "/.git/config", "/.git/", "/sub/.hidden", "/sub/", "/sub", "/node_modules/",
		"/node_modules/@apps-in-toss/web-bridge/package.json",
		"/node_modules/@apps-in-toss/web-bridge/src/index.js",
		"/node_modules/@apps-in-toss/web-bridge/dist/index.d.ts",
		"/node_modules/@apps-in-toss/web-bridge/dist/",
		"/node_modules/left-pad/dist/index.js",
		"/node_modules/.package-lock.json",
		"/lib/node_modules/@apps-in-toss/x/dist/y.js",
		"/escape.txt", "/escapedir/secret.txt",
		"/main.wasm.br", "/main.wasm.gz",
		"/missing.js", "/../webroot.go", "/sub/../demo.js", "//demo.js", "/./demo.js",
		"/sub%2F..%2Fdemo.js", "/demo.js%00",
	} {
		res, body := get(t, ts, "GET", path)
		assert.Equal(t, http.StatusNotFound, res.StatusCode, path)
		assert.NotContains(t, body, "outside", path)
		assert.NotContains(t, body, "SECRET", path)
		assertSecurityHeaders(t, res)
	}
}

func TestOnlyGetAndHead(t *testing.T) {
	ts := newTestServer(t)
	res, body := get(t, ts, "HEAD", "/demo.js")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Empty(t, body)
	res, _ = get(t, ts, "POST", "/demo.js")
	assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
	assert.Equal(t, "GET, HEAD", res.Header.Get("Allow"))
	assertSecurityHeaders(t, res)
}

func TestPrecompressedByAcceptEncoding(t *testing.T) {
	ts := newTestServer(t)
	for _, c := range []struct{ accept, enc, body string }{
		{"gzip, deflate, br, zstd", "br", "brotli bytes"},
		{"br", "br", "brotli bytes"},
		{"gzip", "gzip", "gzip bytes!"},
		{"gzip;q=1.0, br;q=0", "gzip", "gzip bytes!"},
		{"br;q=0, gzip;q=0", "", "raw wasm bytes"},
		{"*", "br", "brotli bytes"},
		{"*;q=0.5, br;q=0", "gzip", "gzip bytes!"},
		{"identity", "", "raw wasm bytes"},
		{"", "", "raw wasm bytes"},
		{"BR", "br", "brotli bytes"},
	} {
		res, body := get(t, ts, "GET", "/main.wasm", "Accept-Encoding", c.accept)
		require.Equal(t, http.StatusOK, res.StatusCode, c.accept)
		assert.Equal(t, c.enc, res.Header.Get("Content-Encoding"), c.accept)
		assert.Equal(t, c.body, body, c.accept)
		assert.Equal(t, "application/wasm", res.Header.Get("Content-Type"), c.accept)
		assert.Equal(t, "Accept-Encoding", res.Header.Get("Vary"), c.accept)
	}

	// Only a .gz beside the file: br asked first, gzip sent.
	res, body := get(t, ts, "GET", "/only-gz.js", "Accept-Encoding", "br, gzip")
	assert.Equal(t, "gzip", res.Header.Get("Content-Encoding"))
	assert.Equal(t, "gz", body)
	res, body = get(t, ts, "GET", "/only-gz.js", "Accept-Encoding", "br")
	assert.Empty(t, res.Header.Get("Content-Encoding"))
	assert.Equal(t, "plain", body)

	// A twin older than its file is from an earlier build: never sent.
	res, body = get(t, ts, "GET", "/stale.js", "Accept-Encoding", "br")
	assert.Empty(t, res.Header.Get("Content-Encoding"))
	assert.Equal(t, "new build", body)

	// A range of an encoded body: the whole body instead.
	res, body = get(t, ts, "GET", "/main.wasm", "Accept-Encoding", "br", "Range", "bytes=0-3")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "brotli bytes", body)
	assert.Equal(t, "12", res.Header.Get("Content-Length"))
}

func TestETagPerEncodingAndRevalidation(t *testing.T) {
	ts := newTestServer(t)
	tags := map[string]string{}
	for _, accept := range []string{"br", "gzip", ""} {
		res, _ := get(t, ts, "GET", "/main.wasm", "Accept-Encoding", accept)
		tag := res.Header.Get("ETag")
		require.NotEmpty(t, tag)
		assert.True(t, strings.HasPrefix(tag, `"`) && strings.HasSuffix(tag, `"`), tag)
		tags[accept] = tag

		res, body := get(t, ts, "GET", "/main.wasm", "Accept-Encoding", accept, "If-None-Match", tag)
		assert.Equal(t, http.StatusNotModified, res.StatusCode, accept)
		assert.Empty(t, body)
		assert.Equal(t, tag, res.Header.Get("ETag"))
		assertSecurityHeaders(t, res)
	}
	assert.Len(t, map[string]bool{tags["br"]: true, tags["gzip"]: true, tags[""]: true}, 3, "one tag per encoding: %v", tags)

	// The br tag does not revalidate the gzip answer.
	res, body := get(t, ts, "GET", "/main.wasm", "Accept-Encoding", "gzip", "If-None-Match", tags["br"])
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "gzip bytes!", body)
}

func TestPageCSPAllowsItsImportMapOnly(t *testing.T) {
	ts := newTestServer(t)
	res, _ := get(t, ts, "GET", "/")
	hashes := ImportMapHashes([]byte(`<script type="importmap">` + testImportMap + `</script>`))
	require.Len(t, hashes, 1)
	assert.Equal(t, ContentSecurityPolicy(hashes...), res.Header.Get("Content-Security-Policy"))
	assert.Contains(t, res.Header.Get("Content-Security-Policy"), "'"+hashes[0]+"'")

	// Other files carry the policy without hashes.
	res, _ = get(t, ts, "GET", "/demo.js")
	assert.Equal(t, ContentSecurityPolicy(), res.Header.Get("Content-Security-Policy"))
}

func TestImportMapHashes(t *testing.T) {
	// The hash covers exactly the text between the tags, as browsers hash it.
	got := ImportMapHashes([]byte("<script type=\"importmap\">{}</script><script>alert(1)</script><SCRIPT TYPE='importmap'>\n{}\n</SCRIPT>"))
	assert.Equal(t, []string{
		"sha256-RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=", // {}
		"sha256-mStsuk6tXQZUQnBANrxib2jrZTl4uAW3mHJbbb97898=", // \n{}\n
	}, got)
	assert.Empty(t, ImportMapHashes([]byte(`<script type="module">import "x"</script>`)))
}

func TestAllowed(t *testing.T) {
	for name, want := range map[string]bool{
		"index.html": true, "a/b/c.js": true, "main.wasm": true,
		"node_modules/@apps-in-toss/bridge-core/dist/index.js": true,
		"node_modules/@apps-in-toss/web-bridge/dist/bridge.js": true,
		"node_modules/@apps-in-toss/web-bridge/dist/x.d.js":    false,
		"node_modules/@apps-in-toss/web-bridge/dist/index.cjs": false,
		"node_modules/@apps-in-toss/web-bridge/dist/a/b.js":    false,
		"node_modules/@other/web-bridge/dist/index.js":         false,
		"node_modules":        false,
		"x/node_modules/y.js": false,
		".well-known/x":       false,
		"a/.b/c":              false,
		"a..b.js":             true,
		"main.wasm.br":        false,
		"main.wasm.gz":        false,
		"":                    false,
	} {
		assert.Equal(t, want, Allowed(name), name)
	}
}

func TestNewFailsOnMissingDirectory(t *testing.T) {
	_, err := New(filepath.Join(t.TempDir(), "nope"))
	require.Error(t, err)
}
