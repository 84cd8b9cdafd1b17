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

func TestWasmLinksOnlyListedPackages(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "syscall/js", "the listing is for js/wasm")
	for _, h := range heavy {
		require.NotContains(t, deps, h, "%s must not come back into main.wasm", h)
	}
	own := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}: {{join .Imports \" \"}}", ".")
	own.Env = cmd.Env
	out, err = own.CombinedOutput()
	require.NoError(t, err, string(out))
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
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
