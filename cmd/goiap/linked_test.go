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
	// The JS boundary.
	"github.com/hack-pad/safejs": true, "github.com/hack-pad/safejs/internal/catch": true,
	"github.com/hack-pad/safejs/internal/stackerr": true,
}

// heavy are packages that once were in main.wasm and cost more than they
// gave: fmt (with its tables, about 70 KB after brotli, reflect included),
// os and runtime/debug (which links fmt and os).
var heavy = []string{"fmt", "os", "runtime/debug", "encoding/json", "net/http", "log", "sort"}

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
	for _, dep := range deps {
		if strings.HasPrefix(dep, "internal/") || strings.HasPrefix(dep, "runtime/internal/") ||
			dep == "github.com/goiap/goiap" || strings.HasPrefix(dep, "github.com/goiap/goiap/") {
			continue
		}
		require.True(t, linkable[dep], "main.wasm now links %s: measure what it costs, then add it to linkable", dep)
	}
}
