//go:build !js && !wasip1

// What each product puts into the demo's wallet.

package main

// coinsPerSKU is the demo's catalogue: item_coin_100 is a hundred coins.
// Products that are not coins (ads removed, a subscription) are counted in
// the ledger and in /api/me's "grants" but add nothing to the balance: an
// unknown sku credits 0 rather than a made-up amount, so a refund takes
// back exactly what the grant gave.
var coinsPerSKU = map[string]int64{
	"item_coin_100": 100,
}

// credits is grant.Config.Credits: the sku is the one Toss reported.
func credits(sku string) int64 { return coinsPerSKU[sku] }
