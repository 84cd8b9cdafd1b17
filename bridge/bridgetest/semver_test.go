package bridgetest

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/internal/wasm"
)

// TestCompareVersionsMatchesSDK checks the port against the SDK's own
// answers (testdata/gen_compare_versions.mjs made the file).
func TestCompareVersionsMatchesSDK(t *testing.T) {
	raw, err := os.ReadFile("testdata/compare_versions.json")
	require.NoError(t, err)
	var golden struct {
		Versions []string `json:"versions"`
		Want     []string `json:"want"`
	}
	require.NoError(t, json.Unmarshal(raw, &golden))
	require.Len(t, golden.Want, len(golden.Versions))
	sign := map[int]byte{-1: '<', 0: '=', 1: '>'}
	for i, a := range golden.Versions {
		require.Len(t, golden.Want[i], len(golden.Versions))
		for j, b := range golden.Versions {
			got := byte('!')
			if c, err := compareVersions(a, b); err == nil {
				got = sign[c]
			}
			assert.Equal(t, string(golden.Want[i][j]), string(got), "compareVersions(%q, %q)", a, b)
		}
	}
}

func TestJSNumberString(t *testing.T) {
	for f, want := range map[float64]string{
		0: "0", 7: "7", -1: "-1", 123456789: "123456789",
		1e20: "100000000000000000000", 123456789012345678901: "123456789012345680000",
		1e21: "1e+21", 1.5e25: "1.5e+25", 99999999999999999999999: "1e+23",
	} {
		assert.Equal(t, want, jsNumberString(f), "%g", f)
	}
}

func TestMinVersionSupported(t *testing.T) {
	gate := wasm.Go(map[string]any{"android": "5.231.1", "ios": "5.230.0"})
	tests := []struct {
		app  app
		min  wasm.Value
		want bool
		err  bool
	}{
		{app{"5.230.0", "ios", "toss"}, gate, true, false},
		{app{"5.229.9", "ios", "toss"}, gate, false, false},
		{app{"5.231.0", "android", "toss"}, gate, false, false},
		{app{"5.231.0", "web", "toss"}, gate, false, false}, // anything but ios is android
		{app{"5.231.1", "android", "toss"}, gate, true, false},
		{app{"1.0.0", "android", "sandbox"}, gate, true, false},
		{app{"1.0.0", "android", "sandbox"}, wasm.Go(wasm.Missing), true, false},
		{app{"5.240.0", "ios", "toss"}, wasm.Go(map[string]any{"android": "5.0.0"}), false, false},
		{app{"5.240.0", "ios", "toss"}, wasm.Go(map[string]any{"ios": "always"}), true, false},
		{app{"5.240.0", "ios", "toss"}, wasm.Go(map[string]any{"ios": "never"}), false, false},
		{app{"5.240.0", "ios", "toss"}, wasm.Go(map[string]any{"ios": 5}), false, true},
		{app{"5.240.0", "ios", "toss"}, wasm.Go(map[string]any{"ios": nil}), false, true},
		{app{"5.240.0", "ios", "toss"}, wasm.Go(map[string]any{"ios": "soon"}), false, true},
		{app{"5.240.0", "ios", "toss"}, wasm.Go(nil), false, true},
		{app{"5.240.0", "ios", "toss"}, wasm.Go(wasm.Missing), false, true},
		{app{"5.240.0", "ios", "toss"}, wasm.Go("5.0.0"), false, false}, // "5.0.0".ios is undefined
	}
	for _, tt := range tests {
		got, err := minVersionSupported(tt.app, tt.min)
		assert.Equal(t, tt.want, got, "%+v", tt)
		assert.Equal(t, tt.err, err != nil, "%+v: %v", tt, err)
	}
}

func TestResultForDecodes(t *testing.T) {
	r := ResultFor("order-1", "coin_100")
	assert.Equal(t, "order-1", r.OrderID)
	assert.Equal(t, "coin_100", r.DisplayName)
	require.NotNil(t, r.MiniAppIconURL)
	assert.NotSame(t, r.MiniAppIconURL, ResultFor("order-1", "coin_100").MiniAppIconURL, "each result owns its icon")
}
