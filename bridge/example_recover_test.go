//go:build js && wasm

package bridge_test

import (
	"context"
	"fmt"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/bridge/bridgetest"
)

// Recover on every entry of the mini-app: orders paid for in an earlier
// session whose grant failed are still pending in the Toss app. Here the
// fake from bridgetest stands in for the SDK, with two such orders.
func ExampleClient_Recover() {
	sdk := bridgetest.NewSDK()
	defer sdk.Close()
	sdk.AddPendingOrder("order-1", "coin_100")
	sdk.AddPendingOrder("order-2", "gem_5")

	client, err := bridge.New(sdk.Value())
	if err != nil {
		panic(err)
	}
	defer client.Close()

	grant := func(ctx context.Context, o bridge.PendingOrder) (bool, error) {
		// Ask your server to grant o.SKU for o.OrderID, idempotently.
		fmt.Println("granting", o.OrderID, o.SKU)
		return o.SKU != "gem_5", nil // say the server is out of gems
	}
	rec, err := client.Recover(context.Background(), grant)
	if err != nil { // the whole recovery failed: an old app, the app unreachable, …
		fmt.Println("recovery failed:", err)
		return
	}
	fmt.Println("granted:", rec.Granted)
	for _, f := range rec.Failed {
		fmt.Println("still pending:", f.OrderID, f.Code)
	}

	// Granted orders were completed; the refused one is offered again.
	rec, _ = client.Recover(context.Background(), func(context.Context, bridge.PendingOrder) (bool, error) { return true, nil })
	fmt.Println("second recovery granted:", rec.Granted)
	// Output:
	// granting order-1 coin_100
	// granting order-2 gem_5
	// granted: [order-1]
	// still pending: order-2 PRODUCT_NOT_GRANTED_BY_PARTNER
	// second recovery granted: [order-2]
}
