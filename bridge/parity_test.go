//go:build js && wasm

package bridge_test

import (
	"encoding/json"
	"syscall/js"
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/internal/wasm"
)

// The decoders give the same answers on JS values (what the client meets)
// as on the Go values the native tests and fuzzing feed them.
func TestDecodersMatchOnJSValues(t *testing.T) {
	inputs := []string{
		`{"orderId":"o-1","displayName":"Coins","displayAmount":"1,000원","amount":1000,"currency":"KRW","fraction":0,"miniAppIconUrl":null}`,
		`{"orderId":"o-1","displayName":"Coins","displayAmount":"1,000원","amount":12.5,"currency":"USD","fraction":2,"miniAppIconUrl":"https://x"}`,
		`{"orderId":"o-1","displayName":"Coins","displayAmount":"1","amount":"1","currency":"KRW","fraction":0}`,
		`{"orderId":"","amount":1}`, `{"orderId":"o-1","fraction":0.5}`, `[]`, `null`, `"USER_CANCELED"`, `"nope"`, `7`,
		`{"name":"Error","message":"bye","code":"USER_CANCELED","userInfo":{"orderId":"o-9"},"__isError":true}`,
		`{"code":"E_X","message":"m","userInfo":{"orderId":5}}`, `{"code":"PAYMENT_PENDING"}`, `{}`,
	}
	parse := js.Global().Get("JSON").Get("parse")
	for _, in := range inputs {
		var g any
		require.NoError(t, json.Unmarshal([]byte(in), &g))
		jv, gv := wasm.JS(safejs.Safe(parse.Invoke(in))), wasm.Go(g)

		jr, jerr := bridge.DecodeResult(jv)
		gr, gerr := bridge.DecodeResult(gv)
		assert.Equal(t, gr, jr, in)
		assert.Equal(t, gerr, jerr, in)

		je, ge := bridge.ErrorFromJS(jv, "o-0"), bridge.ErrorFromJS(gv, "o-0")
		assert.Equal(t, [4]any{ge.Code, ge.Message, ge.OrderID, ge.UserInfo}, [4]any{je.Code, je.Message, je.OrderID, je.UserInfo}, in)
	}
}
