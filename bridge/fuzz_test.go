package bridge_test

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/internal/wasm"
)

// valueOf turns fuzz input into a value tree as JS would hand it over: JSON
// when it parses, else the bytes as one string.
func valueOf(data []byte) wasm.Value {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return wasm.Go(string(data))
	}
	return wasm.Go(v)
}

func FuzzDecodeResult(f *testing.F) {
	f.Add([]byte(`{"orderId":"o-1","displayName":"Coins","displayAmount":"1,000원","amount":1000,"currency":"KRW","fraction":0,"miniAppIconUrl":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v := valueOf(data)
		r, err := bridge.DecodeResult(v)
		if err != nil {
			var de *wasm.DecodeError
			if !errors.As(err, &de) || !strings.HasPrefix(de.Path, "data") {
				t.Fatalf("error %v is not a DecodeError under data", err)
			}
			if r != (bridge.Result{}) {
				t.Fatalf("partial result %+v with error", r)
			}
			return
		}
		if r.OrderID == "" || r.OrderID != v.Get("orderId").Str() {
			t.Fatalf("order id %q", r.OrderID)
		}
		if math.IsNaN(r.Amount) || math.IsInf(r.Amount, 0) || r.Amount != v.Get("amount").Num() {
			t.Fatalf("amount %g", r.Amount)
		}
		if float64(r.Fraction) != v.Get("fraction").Num() || r.Fraction > math.MaxInt32 || r.Fraction < -math.MaxInt32 {
			t.Fatalf("fraction %d", r.Fraction)
		}
		if r.DisplayName != v.Get("displayName").Str() || r.DisplayAmount != v.Get("displayAmount").Str() || r.Currency != v.Get("currency").Str() {
			t.Fatalf("strings %+v", r)
		}
		icon := v.Get("miniAppIconUrl")
		if (r.MiniAppIconURL == nil) != (icon.Type() != wasm.TypeString) || r.MiniAppIconURL != nil && *r.MiniAppIconURL != icon.Str() {
			t.Fatalf("icon %v for %s", r.MiniAppIconURL, icon.Type())
		}
	})
}

func FuzzErrorFromJS(f *testing.F) {
	f.Add([]byte(`{"name":"Error","message":"bye","code":"USER_CANCELED","userInfo":{"orderId":"o-1"},"__isError":true}`), "o-0")
	sdkCodes := bridge.Codes()[:11]
	f.Fuzz(func(t *testing.T, data []byte, orderID string) {
		v := valueOf(data)
		e := bridge.ErrorFromJS(v, orderID)
		if e == nil {
			t.Fatal("nil error")
		}
		if e.Code != bridge.ErrUnknown && !slices.Contains(sdkCodes, e.Code) {
			t.Fatalf("code %q is neither the SDK's nor UNKNOWN", e.Code)
		}
		if c := bridge.Code(v.Get("code").Str()); slices.Contains(sdkCodes, c) && e.Code != c {
			t.Fatalf("code %q read as %q", c, e.Code)
		}
		if e.Message == "" || e.Error() == "" {
			t.Fatal("no message")
		}
		if !errors.Is(e, e.Code) || bridge.CodeOf(e) != e.Code {
			t.Fatal("the code does not match")
		}
		var je *wasm.Error
		if !errors.As(e, &je) {
			t.Fatal("the JS error is not the cause")
		}
		want := orderID
		if id, ok := e.UserInfo["orderId"].(string); ok && id != "" {
			want = id
		}
		if e.OrderID != want {
			t.Fatalf("order id %q, want %q", e.OrderID, want)
		}
	})
}

func FuzzValidateSKU(f *testing.F) {
	f.Add("coin_100")
	f.Fuzz(func(t *testing.T, sku string) {
		err := bridge.ValidateSKU(sku)
		valid := sku != "" && len(sku) <= bridge.MaxSKULength && utf8.ValidString(sku) &&
			!strings.ContainsFunc(sku, func(r rune) bool {
				return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.In(r, unicode.Cf)
			})
		if (err == nil) != valid {
			t.Fatalf("ValidateSKU(%q) = %v, want valid=%v", sku, err, valid)
		}
		if err == nil {
			return
		}
		var e *bridge.Error
		if !errors.As(err, &e) || e.Code != bridge.ErrInvalidSKU || e.OrderID != "" {
			t.Fatalf("error %#v", err)
		}
		if !utf8.ValidString(e.Message) || len(e.Message) > 512 {
			t.Fatalf("message of %d bytes: %q", len(e.Message), e.Message)
		}
	})
}
