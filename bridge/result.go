package bridge

import "github.com/goiap/goiap/internal/wasm"

// Result is a completed purchase, as the SDK's
// IapCreateOneTimePurchaseOrderResult (and the subscription result, which
// has the same shape) describes it.
type Result struct {
	OrderID        string  `json:"orderId"`
	DisplayName    string  `json:"displayName"`
	DisplayAmount  string  `json:"displayAmount"` // with the currency, like "1,000원"
	Amount         float64 `json:"amount"`
	Currency       string  `json:"currency"` // ISO 4217
	Fraction       int     `json:"fraction"` // digits after the decimal point
	MiniAppIconURL *string `json:"miniAppIconUrl"`
	// Incomplete: the order was granted but the app's success data was
	// unusable, so only OrderID is known. The purchase still succeeded.
	Incomplete bool `json:"incomplete,omitempty"`
}

// decodeResult reads a success event's data. It never panics: data of the
// wrong shape is a *wasm.DecodeError.
func decodeResult(v wasm.Value) (Result, error) {
	f := wasm.Object(v, "data")
	r := Result{
		OrderID:        f.NonEmptyString("orderId"),
		DisplayName:    f.String("displayName"),
		DisplayAmount:  f.String("displayAmount"),
		Amount:         f.Number("amount"),
		Currency:       f.String("currency"),
		Fraction:       f.Int("fraction"),
		MiniAppIconURL: f.OptionalString("miniAppIconUrl"),
	}
	if err := f.Err(); err != nil {
		return Result{}, err
	}
	return r, nil
}
