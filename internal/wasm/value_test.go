package wasm_test

import (
	"math"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/goiap/goiap/internal/wasm"
)

func TestTypeString(t *testing.T) {
	names := map[wasm.Type]string{
		wasm.TypeUndefined: "undefined", wasm.TypeNull: "null", wasm.TypeBoolean: "boolean",
		wasm.TypeNumber: "number", wasm.TypeString: "string", wasm.TypeObject: "object",
		wasm.TypeArray: "array", wasm.TypeFunction: "function", wasm.TypeOther: "other",
		wasm.Type(200): "unknown",
	}
	for typ, want := range names {
		assert.Equal(t, want, typ.String())
	}
}

func TestGoTypes(t *testing.T) {
	tests := []struct {
		v    any
		want wasm.Type
	}{
		{nil, wasm.TypeNull},
		{wasm.Missing, wasm.TypeUndefined},
		{true, wasm.TypeBoolean},
		{1.5, wasm.TypeNumber},
		{3, wasm.TypeNumber},
		{math.NaN(), wasm.TypeNumber},
		{"s", wasm.TypeString},
		{"", wasm.TypeString},
		{map[string]any{}, wasm.TypeObject},
		{[]any{}, wasm.TypeArray},
		{int64(3), wasm.TypeOther},
		{float32(1), wasm.TypeOther},
		{[]string{"a"}, wasm.TypeOther},
		{map[string]string{}, wasm.TypeOther},
		{struct{}{}, wasm.TypeOther},
		{wasm.Go("wrapped"), wasm.TypeString},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, wasm.Go(tt.v).Type(), "%#v", tt.v)
	}
}

// Every accessor is total: on the wrong type it gives the zero answer.
func TestGoAccessorsAreTotal(t *testing.T) {
	for _, v := range []any{nil, wasm.Missing, true, 2.0, 7, "s", map[string]any{"k": 1.0}, []any{1.0}, int64(1)} {
		g := wasm.Go(v)
		typ := g.Type()
		if typ != wasm.TypeObject {
			assert.Equal(t, wasm.TypeUndefined, g.Get("k").Type(), "%#v.Get", v)
			assert.Nil(t, g.Keys(), "%#v.Keys", v)
		}
		if typ != wasm.TypeArray {
			assert.Equal(t, wasm.TypeUndefined, g.Index(0).Type(), "%#v.Index", v)
			assert.Zero(t, g.Len(), "%#v.Len", v)
		}
		if typ != wasm.TypeString {
			assert.Empty(t, g.Str(), "%#v.Str", v)
		}
		if typ != wasm.TypeNumber {
			assert.Zero(t, g.Num(), "%#v.Num", v)
		}
		if typ != wasm.TypeBoolean {
			assert.False(t, g.Bool(), "%#v.Bool", v)
		}
	}
}

func TestGoAccessors(t *testing.T) {
	v := wasm.Go(map[string]any{
		"s": "str", "n": 1.5, "i": 2, "b": true, "null": nil, "undef": wasm.Missing,
		"arr": []any{"a", 2.0, nil}, "obj": map[string]any{"k": "v"},
	})
	assert.Equal(t, "str", v.Get("s").Str())
	assert.Equal(t, 1.5, v.Get("n").Num())
	assert.Equal(t, 2.0, v.Get("i").Num())
	assert.True(t, v.Get("b").Bool())
	assert.Equal(t, wasm.TypeNull, v.Get("null").Type())
	assert.Equal(t, wasm.TypeUndefined, v.Get("undef").Type(), "Missing is undefined")
	assert.Equal(t, wasm.TypeUndefined, v.Get("absent").Type(), "an absent key is undefined, not null")
	arr := v.Get("arr")
	assert.Equal(t, 3, arr.Len())
	assert.Equal(t, "a", arr.Index(0).Str())
	assert.Equal(t, wasm.TypeNull, arr.Index(2).Type())
	assert.Equal(t, wasm.TypeUndefined, arr.Index(3).Type())
	assert.Equal(t, wasm.TypeUndefined, arr.Index(-1).Type())
	assert.Equal(t, "v", v.Get("obj").Get("k").Str())
	keys := v.Keys()
	sort.Strings(keys)
	assert.Equal(t, []string{"arr", "b", "i", "n", "null", "obj", "s", "undef"}, keys)
	assert.Equal(t, []string{}, wasm.Go(map[string]any{}).Keys(), "an empty object has no keys, but is an object")
}

// A Value inside Go data stands for itself, the way a JS value would sit
// inside an object: reading through it gives its contents.
func TestGoWrapsValues(t *testing.T) {
	inner := wasm.Go(map[string]any{"orderId": "o-1", "list": []any{"x"}})
	for name, v := range map[string]wasm.Value{
		"top level": wasm.Go(inner),
		"in a map":  wasm.Go(map[string]any{"data": inner}).Get("data"),
		"in a list": wasm.Go([]any{inner}).Index(0),
	} {
		assert.Equal(t, wasm.TypeObject, v.Type(), name)
		assert.Equal(t, "o-1", v.Get("orderId").Str(), name)
		assert.Equal(t, "x", v.Get("list").Index(0).Str(), name)
		assert.Len(t, v.Keys(), 2, name)
	}
	assert.Equal(t, "s", wasm.Go(wasm.Go("s")).Str())
	assert.Equal(t, 2.0, wasm.Go(wasm.Go(2.0)).Num())
	assert.True(t, wasm.Go(wasm.Go(true)).Bool())
	assert.Equal(t, 1, wasm.Go(wasm.Go([]any{1})).Len())
}
