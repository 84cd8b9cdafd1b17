//go:build !js

package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// linkable is every package main.wasm may link, besides goiap's own and
// the standard library's internal/... ones. main.wasm's size is the largest part of the
// time until a phone can buy (bench/tti.mjs): a package that is not here
// fails TestWasmLinksOnlyListedPackages, and is added only after measuring
// what it costs (bench/run.sh --crossings prints main.wasm's bytes by
// package).
var linkable = map[string]bool{
	// What any Go wasm program links.
	"unsafe": true, "runtime": true, "errors": true, "sync": true, "sync/atomic": true,
	"syscall": true, "syscall/js": true, "math": true, "math/bits": true,
	// Small and needed: deadlines, cancellation, numbers and text.
	"time": true, "context": true, "strconv": true, "strings": true, "unicode": true,
	"unicode/utf8": true, "io": true, "iter": true,
	// cmd/goiap writes the JS results from the bridge structs' json tags:
	// about 14 KB of main.wasm after brotli (measured when it came in).
	"reflect": true,
	// The JS boundary. safejs imports fmt (and with it os, path, io/fs,
	// slices, cmp): listed for safejs only, see ownHeavy.
	"github.com/hack-pad/safejs": true, "github.com/hack-pad/safejs/internal/catch": true,
	"github.com/hack-pad/safejs/internal/stackerr": true,
	"fmt": true, "os": true, "path": true, "io/fs": true, "slices": true, "cmp": true,
}

// heavy are packages that cost more than they give in main.wasm.
var heavy = []string{"runtime/debug", "encoding/json", "net/http", "log", "sort"}

// ownHeavy are packages goiap's own wasm packages must not import: safejs
// imports fmt, but the linker keeps only what is called, so goiap calling
// fmt or os itself would add their tables (about 70 KB after brotli).
var ownHeavy = []string{"fmt", "os"}

// wasmList runs go list -deps on this package as built for js/wasm.
func wasmList(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", append(append([]string{"list", "-deps"}, args...), ".")...)
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	return string(out)
}

// wasmDeps is every package main.wasm links.
func wasmDeps(t *testing.T) []string {
	deps := strings.Fields(wasmList(t))
	require.Contains(t, deps, "syscall/js", "the listing is for js/wasm")
	return deps
}

func TestWasmLinksOnlyListedPackages(t *testing.T) {
	deps := wasmDeps(t)
	for _, h := range heavy {
		require.NotContains(t, deps, h, "%s must not come back into main.wasm", h)
	}
	own := wasmList(t, "-f", "{{.ImportPath}}: {{join .Imports \" \"}}")
	for _, line := range strings.Split(strings.TrimSpace(own), "\n") {
		pkg, imports, _ := strings.Cut(line, ": ")
		if !strings.HasPrefix(pkg, "github.com/goiap/goiap") {
			continue
		}
		for _, h := range ownHeavy {
			require.NotContains(t, strings.Fields(imports), h, "%s imports %s", pkg, h)
		}
	}
	for _, dep := range deps {
		if strings.HasPrefix(dep, "internal/") || strings.HasPrefix(dep, "runtime/internal/") ||
			dep == "github.com/goiap/goiap" || strings.HasPrefix(dep, "github.com/goiap/goiap/") {
			continue
		}
		require.True(t, linkable[dep], "main.wasm now links %s: measure what it costs, then add it to linkable", dep)
	}
}

// TestWasmDependencies keeps main.wasm small: net/http adds about 7 MB raw
// and encoding/json about 0.4 MB. The grant uses JS fetch and JSON instead.
func TestWasmDependencies(t *testing.T) {
	deps := wasmDeps(t)
	for _, banned := range []string{
		"net/http", "encoding/json", "net", "crypto/tls", "database/sql", "text/template", "html/template",
		"regexp", "math/big", "compress/gzip", "compress/flate", "encoding/xml", "os/exec", "crypto/x509", "mime",
	} {
		require.NotContains(t, deps, banned, "%s must not enter main.wasm", banned)
	}
	// The server side (the Toss API client, the grant handler and their
	// subpackages, the server's Prometheus metrics) never enters main.wasm.
	for _, dep := range deps {
		for _, server := range []string{"github.com/goiap/goiap/tossapi", "github.com/goiap/goiap/grant", "github.com/prometheus"} {
			require.False(t, dep == server || strings.HasPrefix(dep, server+"/"), "%s must not enter main.wasm", dep)
		}
	}
}
