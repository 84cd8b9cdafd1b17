//go:build !js && !wasip1

package webroot

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestContentHashedNames(t *testing.T) {
	for name, want := range map[string]bool{
		"main.0123456789ab.wasm":  true,
		"demo.abcdefabcdef.js":    true,
		"main.wasm":               false,
		"main.0123456789a.wasm":   false, // 11 digits
		"main.0123456789abc.wasm": false, // 13
		"main.0123456789AB.wasm":  false, // upper case is not what the build writes
		"main.0123456789ag.wasm":  false,
		".0123456789ab.wasm":      false,
		"main.0123456789ab.":      false,
		"0123456789ab.wasm":       false,
	} {
		assert.Equal(t, want, contentHashed(name), name)
	}
}

func TestHashedFilesAreImmutable(t *testing.T) {
	dir := webDir(t)
	for _, name := range []string{"main.0123456789ab.wasm", "main.0123456789ab.wasm.br"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("bytes"), 0o644))
	}
	h, err := New(dir)
	require.NoError(t, err)
	t.Cleanup(func() { h.Close() })
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)

	res, _ := get(t, ts, "GET", "/main.0123456789ab.wasm", "Accept-Encoding", "br")
	assert.Equal(t, 200, res.StatusCode)
	assert.Equal(t, "br", res.Header.Get("Content-Encoding"))
	assert.Equal(t, "application/wasm", res.Header.Get("Content-Type"))
	assert.Equal(t, "public, max-age=31536000, immutable", res.Header.Get("Cache-Control"))

	res, _ = get(t, ts, "GET", "/main.wasm", "Accept-Encoding", "br")
	assert.Equal(t, "no-cache", res.Header.Get("Cache-Control"), "a name without a hash is revalidated")

	// The page announces the hashed file, and only it, for an early start.
	res, _ = get(t, ts, "GET", "/")
	assert.Equal(t, []string{`<./main.0123456789ab.wasm>; rel=preload; as=fetch; type="application/wasm"; crossorigin`}, res.Header.Values("Link"))
	assert.Equal(t, "no-cache", res.Header.Get("Cache-Control"))
}
