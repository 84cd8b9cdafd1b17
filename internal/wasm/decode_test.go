package wasm_test

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/internal/wasm"
)

func TestObjectRejectsNonObjects(t *testing.T) {
	for _, v := range []any{nil, wasm.Missing, "s", 1.0, true, []any{}, int64(1)} {
		f := wasm.Object(wasm.Go(v), "data")
		var de *wasm.DecodeError
		require.ErrorAs(t, f.Err(), &de, "%#v", v)
		assert.Equal(t, "data", de.Path)
		assert.Equal(t, "object", de.Want)
		assert.Equal(t, wasm.Go(v).Type(), de.Got)
		// Reading on goes on quietly and gives zero values.
		assert.Empty(t, f.String("k"))
		assert.Zero(t, f.Number("k"))
		assert.Zero(t, f.Int("k"))
		assert.False(t, f.Bool("k"))
		assert.Nil(t, f.OptionalString("k"))
		assert.Equal(t, wasm.TypeUndefined, f.Get("k").Type())
		assert.Same(t, de, errorOf(f), "the first error is kept")
	}
}

func errorOf(f *wasm.Fields) *wasm.DecodeError {
	var de *wasm.DecodeError
	errors.As(f.Err(), &de)
	return de
}

func TestFieldsRead(t *testing.T) {
	f := wasm.Object(wasm.Go(map[string]any{
		"s": "str", "e": "", "n": -2.5, "i": 7.0, "b": false, "o": nil,
		"a": []any{"x", "y", "z"},
	}), "data")
	assert.Equal(t, "str", f.String("s"))
	assert.Equal(t, "", f.String("e"))
	assert.Equal(t, "str", f.NonEmptyString("s"))
	assert.Equal(t, -2.5, f.Number("n"))
	assert.Equal(t, 7, f.Int("i"))
	assert.False(t, f.Bool("b"))
	assert.Nil(t, f.OptionalString("o"), "null")
	assert.Nil(t, f.OptionalString("absent"), "undefined")
	require.NotNil(t, f.OptionalString("s"))
	assert.Equal(t, "str", *f.OptionalString("s"))
	var seen []string
	f.Array("a", func(i int, v wasm.Value, path string) bool {
		seen = append(seen, path+"="+v.Str())
		return i < 1 // stop after the second
	})
	assert.Equal(t, []string{"data.a[0]=x", "data.a[1]=y"}, seen)
	assert.NoError(t, f.Err())
}

func TestFieldsErrors(t *testing.T) {
	obj := wasm.Go(map[string]any{
		"s": "str", "e": "", "n": 1.5, "big": 3e9, "nan": math.NaN(), "inf": math.Inf(-1),
		"b": true, "a": []any{}, "num": 1.0,
	})
	tests := []struct {
		name string
		read func(f *wasm.Fields)
		path string
		want string
		got  wasm.Type
	}{
		{"string missing", func(f *wasm.Fields) { f.String("absent") }, "data.absent", "string", wasm.TypeUndefined},
		{"string of number", func(f *wasm.Fields) { f.String("num") }, "data.num", "string", wasm.TypeNumber},
		{"empty string", func(f *wasm.Fields) { f.NonEmptyString("e") }, "data.e", "non-empty string", wasm.TypeString},
		{"optional string of bool", func(f *wasm.Fields) { f.OptionalString("b") }, "data.b", "string or null", wasm.TypeBoolean},
		{"number of string", func(f *wasm.Fields) { f.Number("s") }, "data.s", "finite number", wasm.TypeString},
		{"NaN", func(f *wasm.Fields) { f.Number("nan") }, "data.nan", "finite number", wasm.TypeNumber},
		{"-Inf", func(f *wasm.Fields) { f.Number("inf") }, "data.inf", "finite number", wasm.TypeNumber},
		{"fraction", func(f *wasm.Fields) { f.Int("n") }, "data.n", "an integer (not 1.5)", wasm.TypeNumber},
		{"too big for int32", func(f *wasm.Fields) { f.Int("big") }, "data.big", "an integer (not 3e+09)", wasm.TypeNumber},
		{"bool of string", func(f *wasm.Fields) { f.Bool("s") }, "data.s", "boolean", wasm.TypeString},
		{"array of bool", func(f *wasm.Fields) { f.Array("b", nil) }, "data.b", "array", wasm.TypeBoolean},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := wasm.Object(obj, "data")
			tt.read(f)
			de := errorOf(f)
			require.NotNil(t, de, "want an error")
			assert.Equal(t, tt.path, de.Path)
			assert.Equal(t, tt.want, de.Want)
			assert.Equal(t, tt.got, de.Got)
			assert.Contains(t, de.Error(), tt.path)
			// Later reads neither replace the error nor read anything.
			f.String("absent")
			f.Fail(errors.New("later"))
			assert.Same(t, de, errorOf(f))
			assert.Equal(t, wasm.TypeUndefined, f.Get("s").Type())
		})
	}
}

func TestFieldsNestedFail(t *testing.T) {
	f := wasm.Object(wasm.Go(map[string]any{"items": []any{map[string]any{"id": "a"}, map[string]any{"id": 2.0}}}), "data")
	var ids []string
	f.Array("items", func(i int, v wasm.Value, path string) bool {
		item := wasm.Object(v, path)
		ids = append(ids, item.String("id"))
		f.Fail(item.Err())
		return item.Err() == nil
	})
	assert.Equal(t, []string{"a", ""}, ids)
	de := errorOf(f)
	require.NotNil(t, de)
	assert.Equal(t, "data.items[1].id", de.Path)
	f.Fail(nil)
	assert.Same(t, de, errorOf(f), "Fail(nil) keeps the error")
}

func TestIntBounds(t *testing.T) {
	for n, ok := range map[float64]bool{
		0: true, -1: true, math.MaxInt32: true, -math.MaxInt32: true,
		math.MaxInt32 + 1: false, -math.MaxInt32 - 1: false, 0.5: false, math.Copysign(0, -1): true,
	} {
		f := wasm.Object(wasm.Go(map[string]any{"n": n}), "d")
		got := f.Int("n")
		assert.Equal(t, ok, f.Err() == nil, "%g", n)
		if ok {
			assert.Equal(t, int(n), got)
		} else {
			assert.Zero(t, got)
		}
	}
}
