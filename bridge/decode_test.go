package bridge_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/internal/wasm"
)

// These run natively and in js/wasm: the decoders take wasm.Value, which
// wasm.Go makes from plain Go data.

func TestCodes(t *testing.T) {
	codes := bridge.Codes()
	require.Len(t, codes, 19)
	seen := map[bridge.Code]bool{}
	for _, c := range codes {
		assert.False(t, seen[c], "duplicate %s", c)
		seen[c] = true
		assert.Equal(t, string(c), c.Error())
		assert.Equal(t, strings.ToUpper(string(c)), string(c))
		assert.ErrorIs(t, fmt.Errorf("wrapped: %w", c), c)
	}
	assert.Equal(t, bridge.ErrInvalidProductID, codes[0], "the SDK's first")
	assert.Equal(t, bridge.ErrUnknown, codes[len(codes)-1])
}

func TestErrorMatching(t *testing.T) {
	cause := errors.New("cause")
	e := &bridge.Error{Code: bridge.ErrNetworkError, Message: "lost", OrderID: "o-1", Err: cause}
	assert.Equal(t, "goiap: NETWORK_ERROR: lost (order o-1)", e.Error())
	assert.Equal(t, "goiap: NETWORK_ERROR", (&bridge.Error{Code: bridge.ErrNetworkError}).Error())
	assert.ErrorIs(t, e, bridge.ErrNetworkError)
	assert.ErrorIs(t, e, cause)
	assert.NotErrorIs(t, e, bridge.ErrInternalError)
	wrapped := fmt.Errorf("buy: %w", e)
	assert.ErrorIs(t, wrapped, bridge.ErrNetworkError)
	var got *bridge.Error
	require.ErrorAs(t, wrapped, &got)
	assert.Same(t, e, got)

	assert.Equal(t, bridge.Code(""), bridge.CodeOf(nil))
	assert.Equal(t, bridge.ErrNetworkError, bridge.CodeOf(wrapped))
	assert.Equal(t, bridge.ErrAborted, bridge.CodeOf(context.Canceled))
	assert.Equal(t, bridge.ErrAborted, bridge.CodeOf(fmt.Errorf("x: %w", context.DeadlineExceeded)))
	assert.Equal(t, bridge.ErrUnknown, bridge.CodeOf(errors.New("other")))
	assert.Equal(t, bridge.ErrUnknown, bridge.CodeOf(bridge.ErrUserCanceled), "a bare Code is not an *Error")
}

func validResult() map[string]any {
	return map[string]any{
		"orderId": "o-1", "displayName": "Coins", "displayAmount": "1,000원",
		"amount": 1000.0, "currency": "KRW", "fraction": 0.0, "miniAppIconUrl": "https://example.com/i.png",
	}
}

func TestDecodeResult(t *testing.T) {
	r, err := bridge.DecodeResult(wasm.Go(validResult()))
	require.NoError(t, err)
	icon := "https://example.com/i.png"
	assert.Equal(t, bridge.Result{OrderID: "o-1", DisplayName: "Coins", DisplayAmount: "1,000원",
		Amount: 1000, Currency: "KRW", Fraction: 0, MiniAppIconURL: &icon}, r)

	for _, icon := range []any{nil, wasm.Missing} {
		data := validResult()
		data["miniAppIconUrl"] = icon
		r, err := bridge.DecodeResult(wasm.Go(data))
		require.NoError(t, err)
		assert.Nil(t, r.MiniAppIconURL)
	}
	data := validResult()
	data["amount"], data["fraction"], data["extra"] = 12.34, 2.0, "ignored"
	r, err = bridge.DecodeResult(wasm.Go(data))
	require.NoError(t, err)
	assert.Equal(t, 12.34, r.Amount)
	assert.Equal(t, 2, r.Fraction)
}

func TestDecodeResultRejects(t *testing.T) {
	tests := map[string]struct {
		field string
		value any
		path  string
	}{
		"no orderId":         {"orderId", wasm.Missing, "data.orderId"},
		"empty orderId":      {"orderId", "", "data.orderId"},
		"orderId number":     {"orderId", 1.0, "data.orderId"},
		"displayName null":   {"displayName", nil, "data.displayName"},
		"displayAmount":      {"displayAmount", 1000.0, "data.displayAmount"},
		"amount string":      {"amount", "1000", "data.amount"},
		"amount missing":     {"amount", wasm.Missing, "data.amount"},
		"currency missing":   {"currency", wasm.Missing, "data.currency"},
		"fraction float":     {"fraction", 0.5, "data.fraction"},
		"fraction huge":      {"fraction", 1e10, "data.fraction"},
		"icon number":        {"miniAppIconUrl", 1.0, "data.miniAppIconUrl"},
		"icon object":        {"miniAppIconUrl", map[string]any{}, "data.miniAppIconUrl"},
		"displayName object": {"displayName", map[string]any{"ko": "코인"}, "data.displayName"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			data := validResult()
			data[tt.field] = tt.value
			r, err := bridge.DecodeResult(wasm.Go(data))
			var de *wasm.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, tt.path, de.Path)
			assert.Equal(t, bridge.Result{}, r, "no partial result")
		})
	}
	for _, v := range []any{nil, wasm.Missing, "o-1", []any{validResult()}, 1.0} {
		_, err := bridge.DecodeResult(wasm.Go(v))
		var de *wasm.DecodeError
		require.ErrorAs(t, err, &de, "%#v", v)
		assert.Equal(t, "data", de.Path)
	}
}

func TestErrorFromJS(t *testing.T) {
	tests := []struct {
		name    string
		v       any
		known   string
		code    bridge.Code
		message string
		orderID string
	}{
		{"SDK error", map[string]any{"name": "Error", "message": "bye", "code": "USER_CANCELED", "userInfo": map[string]any{}, "__isError": true},
			"", bridge.ErrUserCanceled, "bye", ""},
		{"order from userInfo", map[string]any{"code": "PRODUCT_NOT_GRANTED_BY_PARTNER", "userInfo": map[string]any{"orderId": "o-2"}},
			"o-1", bridge.ErrProductNotGrantedByPartner, "the app reported PRODUCT_NOT_GRANTED_BY_PARTNER", "o-2"},
		{"order from the flow", map[string]any{"code": "NETWORK_ERROR", "message": "m"}, "o-1", bridge.ErrNetworkError, "m", "o-1"},
		{"empty userInfo order", map[string]any{"code": "NETWORK_ERROR", "userInfo": map[string]any{"orderId": ""}}, "o-1", bridge.ErrNetworkError, "the app reported NETWORK_ERROR", "o-1"},
		{"string code", "ITEM_ALREADY_OWNED", "", bridge.ErrItemAlreadyOwned, "ITEM_ALREADY_OWNED", ""},
		{"string", "nope", "", bridge.ErrUnknown, "nope", ""},
		{"lowercase code string", "user_canceled", "", bridge.ErrUnknown, "user_canceled", ""},
		{"unknown code", map[string]any{"code": "E_X", "message": "m"}, "", bridge.ErrUnknown, "E_X: m", ""},
		{"client code", map[string]any{"code": "ABORTED", "message": "m"}, "", bridge.ErrUnknown, "ABORTED: m", ""},
		{"undefined", wasm.Missing, "o-3", bridge.ErrUnknown, "the app failed without a code (undefined)", "o-3"},
		{"null", nil, "", bridge.ErrUnknown, "the app failed without a code (null)", ""},
		{"number", 3.0, "", bridge.ErrUnknown, "non-error value thrown", ""},
		{"array", []any{"USER_CANCELED"}, "", bridge.ErrUnknown, "the app failed without a code (array)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := bridge.ErrorFromJS(wasm.Go(tt.v), tt.known)
			require.NotNil(t, e)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, tt.message, e.Message)
			assert.Equal(t, tt.orderID, e.OrderID)
			assert.ErrorIs(t, e, tt.code)
			var je *wasm.Error
			assert.ErrorAs(t, e, &je, "the JS error is the cause")
		})
	}
}

func TestValidateSKU(t *testing.T) {
	for _, ok := range []string{"coin_100", "a", "item.coin-100", "코인_100", "🪙", strings.Repeat("a", bridge.MaxSKULength), strings.Repeat("가", bridge.MaxSKULength/3)} {
		assert.NoError(t, bridge.ValidateSKU(ok), "%q", ok)
	}
	for _, bad := range []string{"", strings.Repeat("a", bridge.MaxSKULength+1), strings.Repeat("가", bridge.MaxSKULength/3+1),
		"a b", "\t", "a\n", "\r", "\x00", "\x1b[31m", "\x7f", "\u0085", "\u00a0", "\u2000", "\u2028", "\u3000", "\ufeff", "\u200b",
		"\xff", "a\xc3", "\xed\xa0\x80"} {
		err := bridge.ValidateSKU(bad)
		var e *bridge.Error
		require.ErrorAs(t, err, &e, "%q", bad)
		assert.Equal(t, bridge.ErrInvalidSKU, e.Code)
		assert.ErrorIs(t, err, bridge.ErrInvalidSKU)
		assert.Empty(t, e.OrderID)
		assert.Less(t, len(e.Message), 200, "the message quotes a short SKU")
	}
	long := strings.Repeat("가", 200)
	err := bridge.ValidateSKU(long)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "…")
}
