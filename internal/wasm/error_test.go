package wasm_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/internal/wasm"
)

func TestErrorFromShapes(t *testing.T) {
	tests := []struct {
		name  string
		v     any
		want  wasm.Error // Raw is not compared
		error string
	}{
		{"SDK error", map[string]any{
			"name": "Error", "message": "bye", "code": "USER_CANCELED", "__isError": true,
			"userInfo": map[string]any{"orderId": "o-1"}, "moduleName": "IAP",
		}, wasm.Error{Name: "Error", Message: "bye", Code: "USER_CANCELED", UserInfo: map[string]any{"orderId": "o-1"}, Shape: wasm.TypeObject}, "USER_CANCELED: bye"},
		{"plain object", map[string]any{"code": "X"}, wasm.Error{Code: "X", Shape: wasm.TypeObject}, "X: JS error (object)"},
		{"empty object", map[string]any{}, wasm.Error{Shape: wasm.TypeObject}, "JS error (object)"},
		{"wrong field types", map[string]any{"name": 1.0, "message": true, "code": 2.0, "userInfo": "x"}, wasm.Error{Shape: wasm.TypeObject}, "JS error (object)"},
		{"userInfo null", map[string]any{"userInfo": nil}, wasm.Error{Shape: wasm.TypeObject}, "JS error (object)"},
		{"userInfo array", map[string]any{"userInfo": []any{"a"}}, wasm.Error{Shape: wasm.TypeObject}, "JS error (object)"},
		{"string", "boom", wasm.Error{Message: "boom", Shape: wasm.TypeString}, "boom"},
		{"empty string", "", wasm.Error{Shape: wasm.TypeString}, "JS error (string)"},
		{"undefined", wasm.Missing, wasm.Error{Shape: wasm.TypeUndefined}, "JS error (undefined)"},
		{"null", nil, wasm.Error{Shape: wasm.TypeNull}, "JS error (null)"},
		{"number", 42.0, wasm.Error{Message: "non-error value thrown", Shape: wasm.TypeNumber}, "non-error value thrown"},
		{"boolean", false, wasm.Error{Message: "non-error value thrown", Shape: wasm.TypeBoolean}, "non-error value thrown"},
		{"array", []any{"x"}, wasm.Error{Shape: wasm.TypeArray}, "JS error (array)"},
		{"other", int64(1), wasm.Error{Shape: wasm.TypeOther}, "JS error (other)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := wasm.ErrorFrom(wasm.Go(tt.v))
			require.NotNil(t, e)
			assert.NotNil(t, e.Raw)
			e.Raw = nil
			assert.Equal(t, tt.want, *e)
			assert.Equal(t, tt.error, e.Error())
		})
	}
}

func TestErrorFromUserInfoCopy(t *testing.T) {
	deep := map[string]any{"l1": map[string]any{"l2": map[string]any{"l3": map[string]any{"l4": "deep"}}}}
	many := map[string]any{}
	for i := range 100 {
		many[strings.Repeat("k", i+1)] = float64(i)
	}
	long := strings.Repeat("é", 5000) // 10000 bytes
	e := wasm.ErrorFrom(wasm.Go(map[string]any{"userInfo": map[string]any{
		"deep": deep, "many": many, "long": long, "list": []any{"a", 1.0, true, nil, wasm.Missing, map[string]any{}},
		"odd": int64(3),
	}}))
	ui := e.UserInfo
	require.NotNil(t, ui)
	assert.Equal(t, map[string]any{"l2": nil}, ui["deep"].(map[string]any)["l1"], "copied to depth 3, then nil")
	assert.Len(t, ui["many"], 32, "at most 32 keys")
	s := ui["long"].(string)
	assert.LessOrEqual(t, len(s), 4096)
	assert.True(t, utf8.ValidString(s), "clipped on a rune boundary")
	assert.Equal(t, []any{"a", 1.0, true, nil, nil, map[string]any{}}, ui["list"])
	assert.Nil(t, ui["odd"])
	assert.Contains(t, ui, "odd")
}

func TestErrorFromClipsStrings(t *testing.T) {
	long := strings.Repeat("가", 3000) // 9000 bytes, 3 a rune
	for _, e := range []*wasm.Error{
		wasm.ErrorFrom(wasm.Go(long)),
		wasm.ErrorFrom(wasm.Go(map[string]any{"message": long, "name": long, "code": long})),
	} {
		for _, s := range []string{e.Message, e.Name, e.Code} {
			if s == "" {
				continue
			}
			assert.LessOrEqual(t, len(s), 4096)
			assert.True(t, utf8.ValidString(s))
			assert.True(t, strings.HasPrefix(long, s))
		}
	}
	// Invalid UTF-8 is clipped without looping forever.
	bad := strings.Repeat("\x80", 5000)
	assert.LessOrEqual(t, len(wasm.ErrorFrom(wasm.Go(bad)).Message), 4096)
}
