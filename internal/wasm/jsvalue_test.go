//go:build js && wasm

package wasm_test

import (
	"context"
	"errors"
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/internal/wasm"
)

// Regression: Object resolves an object's type once (object or array); the
// resolved value must still read its fields.
func TestFieldsOverResolvedJSObject(t *testing.T) {
	v := wasm.JS(safejs.Safe(jsFunc("", "return {name: 'n', list: [1, 2, 3], nested: {k: true}}").Invoke()))
	f := wasm.Object(v, "v")
	assert.Equal(t, "n", f.String("name"))
	var got []float64
	f.Array("list", func(_ int, e wasm.Value, _ string) bool { got = append(got, e.Num()); return true })
	assert.Equal(t, []float64{1, 2, 3}, got)
	assert.True(t, wasm.Object(f.Get("nested"), "v.nested").Bool("k"))
	require.NoError(t, f.Err())
	assert.Equal(t, wasm.TypeArray, f.Get("list").Type())
	assert.Equal(t, 0, f.Get("nested").Len(), "an object is not an array")
}

// Promise works both ways of making a promise: with a resolvers function
// (as goiap.js passes, and Promise.withResolvers), and with an executor.
func TestPromiseWithResolvers(t *testing.T) {
	wasm.SetPromiseResolvers(safejs.Safe(jsFunc("", "let resolve, reject; const promise = new Promise((a, b) => { resolve = a; reject = b; }); return {promise, resolve, reject};")))
	defer wasm.SetPromiseResolvers(safejs.Undefined())
	c := newCallbacks(t)
	p, err := c.Promise(func() (any, error) { return "via resolvers", nil })
	require.NoError(t, err)
	v, err := c.Await(context.Background(), p)
	require.NoError(t, err)
	s, _ := v.String()
	assert.Equal(t, "via resolvers", s)
	p, err = c.Promise(func() (any, error) { return nil, errors.New("no") })
	require.NoError(t, err)
	_, err = c.Await(context.Background(), p)
	var jerr *wasm.Error
	require.ErrorAs(t, err, &jerr)
	assert.Equal(t, "no", jerr.Message)
	assert.Equal(t, 0, c.Live(), "no executor handler was registered")
}

// Thrown finds what a safejs call threw, through safejs's wrapping.
func TestThrown(t *testing.T) {
	_, err := safejs.Safe(jsFunc("", "throw {code: 'X'}")).Invoke()
	require.Error(t, err)
	v, ok := wasm.Thrown(err)
	require.True(t, ok)
	assert.Equal(t, "X", wasm.JS(v).Get("code").Str())
	_, ok = wasm.Thrown(errors.New("not thrown"))
	assert.False(t, ok)
}
