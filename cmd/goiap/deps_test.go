//go:build !js

package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWasmDependencies keeps main.wasm small: net/http adds about 7 MB raw
// and encoding/json about 0.4 MB. The grant uses JS fetch and JSON instead.
func TestWasmDependencies(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "syscall/js", "the listing is for js/wasm")
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
