//go:build js && wasm

package bridge_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/bridge/bridgetest"
)

// In a mini-app, sdk is the SDK's module namespace, handed to Go by the
// page; here the fake from bridgetest stands in for it, and a goroutine
// plays the Toss app.
func ExampleClient_Purchase() {
	sdk := bridgetest.NewSDK()
	defer sdk.Close()
	go func() {
		co := <-sdk.Checkouts()
		co.Pay("order-1", bridgetest.ResultFor("order-1", co.SKU()))
	}()

	client, err := bridge.New(sdk.Value())
	if err != nil {
		panic(err)
	}
	defer client.Close()

	res, err := client.Purchase(context.Background(), "coin_100", func(ctx context.Context, orderID string) (bool, error) {
		// Give the user the coins: ask your server, idempotently by orderID.
		fmt.Println("granting", orderID)
		return true, nil
	})
	var e *bridge.Error
	switch {
	case errors.Is(err, bridge.ErrUserCanceled):
		fmt.Println("the user changed their mind")
	case errors.As(err, &e) && e.OrderID != "":
		fmt.Println("paid but not granted; recover order", e.OrderID)
	case err != nil:
		fmt.Println("failed:", err)
	default:
		fmt.Println("bought", res.DisplayName, "for", res.DisplayAmount, "order", res.OrderID)
	}
	// Output:
	// granting order-1
	// bought coin_100 for 1,000원 order order-1
}

func ExampleClient_CreateOneTimePurchaseOrder() {
	sdk := bridgetest.NewSDK()
	defer sdk.Close()
	go func() {
		co := <-sdk.Checkouts()
		co.Fail(bridge.ErrUserCanceled, "the user closed the checkout", "")
	}()

	client, err := bridge.New(sdk.Value())
	if err != nil {
		panic(err)
	}
	defer client.Close()

	settled := make(chan struct{})
	cleanup, err := client.CreateOneTimePurchaseOrder(bridge.OneTimePurchaseOptions{
		SKU:   "coin_100",
		Grant: func(ctx context.Context, orderID string) (bool, error) { return true, nil },
		OnSuccess: func(r bridge.Result) {
			defer close(settled)
			fmt.Println("bought", r.OrderID)
		},
		OnError: func(e *bridge.Error) {
			defer close(settled)
			fmt.Println(e.Code, "-", e.Message)
		},
	})
	if err != nil {
		fmt.Println("not started:", err)
		return
	}
	defer cleanup() // idempotent; the client also cleans up when the purchase settles
	<-settled
	// Output:
	// USER_CANCELED - the user closed the checkout
}
