package bridgetest

import "github.com/goiap/goiap/bridge"

// ResultFor is plausible success data for an order: what the app would send
// for sku, priced at 1,000 KRW.
func ResultFor(orderID, sku string) bridge.Result {
	icon := "https://static.toss.im/icons/app.png"
	return bridge.Result{
		OrderID:        orderID,
		DisplayName:    sku,
		DisplayAmount:  "1,000원",
		Amount:         1000,
		Currency:       "KRW",
		Fraction:       0,
		MiniAppIconURL: &icon,
	}
}
