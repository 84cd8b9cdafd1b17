//go:build js && wasm

package wasm_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"syscall/js"
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/internal/wasm"
)

// parityInputs are JSON texts read both ways: by JS's JSON.parse, seen
// through wasm.JS, and by encoding/json, seen through wasm.Go. The native
// tests and fuzzing use wasm.Go only; this checks it stands for JS
// faithfully.
var parityInputs = []string{
	`null`, `true`, `false`, `0`, `-0`, `1.5`, `-2147483648`, `1e308`, `""`, `"코인"`, `"\ud83e\ude99"`,
	`[]`, `{}`, `[1,"a",null,true,[],{}]`,
	`{"orderId":"o-1","displayName":"Coins","displayAmount":"1,000원","amount":1000,"currency":"KRW","fraction":0,"miniAppIconUrl":null}`,
	`{"name":"Error","message":"bye","code":"USER_CANCELED","userInfo":{"orderId":"o-1","n":[1,{"a":{"b":{"c":1}}}]},"__isError":true}`,
	`{"a":1,"a":2}`, `{"__proto__":{"x":1},"constructor":"c","toString":1}`, `{"":"empty key","0":"zero"}`,
}

func TestGoMatchesJS(t *testing.T) {
	parse := js.Global().Get("JSON").Get("parse")
	for _, in := range parityInputs {
		var g any
		require.NoError(t, json.Unmarshal([]byte(in), &g), in)
		jv := wasm.JS(safejs.Safe(parse.Invoke(in)))
		sameValue(t, in, "$", jv, wasm.Go(g))

		je, ge := wasm.ErrorFrom(jv), wasm.ErrorFrom(wasm.Go(g))
		je.Raw, ge.Raw = nil, nil
		assert.Equal(t, ge, je, "ErrorFrom(%s)", in)
	}
}

func sameValue(t *testing.T, in, path string, j, g wasm.Value) {
	t.Helper()
	if !assert.Equal(t, g.Type(), j.Type(), "%s: type at %s", in, path) {
		return
	}
	assert.Equal(t, g.Str(), j.Str(), "%s: Str at %s", in, path)
	assert.Equal(t, g.Bool(), j.Bool(), "%s: Bool at %s", in, path)
	// == and not Equal: syscall/js hands -0 to Go as 0.
	assert.True(t, g.Num() == j.Num(), "%s: Num at %s: %g vs %g", in, path, g.Num(), j.Num())
	assert.Equal(t, g.Len(), j.Len(), "%s: Len at %s", in, path)
	for i := range g.Len() {
		sameValue(t, in, path+"["+strconv.Itoa(i)+"]", j.Index(i), g.Index(i))
	}
	assert.Equal(t, wasm.TypeUndefined, j.Index(j.Len()).Type(), "%s: past the end at %s", in, path)
	assert.Equal(t, wasm.TypeUndefined, j.Index(-1).Type(), "%s: Index(-1) at %s", in, path)
	gk, jk := g.Keys(), j.Keys()
	slices.Sort(gk)
	slices.Sort(jk)
	assert.Equal(t, gk, jk, "%s: Keys at %s", in, path)
	for _, k := range gk {
		sameValue(t, in, path+"."+k, j.Get(k), g.Get(k))
	}
	assert.Equal(t, wasm.TypeUndefined, j.Get("no such key").Type())
}
