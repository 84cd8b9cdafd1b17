//go:build js && wasm

package bridgetest_test

import (
	"context"
	"fmt"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/bridge/bridgetest"
)

// RecoverCoins is more of the code under test: on entry, grant the coins
// of every order paid for and not yet granted.
func (s *Shop) RecoverCoins(ctx context.Context, user string) error {
	_, err := s.IAP.Recover(ctx, func(ctx context.Context, o bridge.PendingOrder) (bool, error) {
		var n int
		if _, err := fmt.Sscanf(o.SKU, "coin_%d", &n); err != nil {
			return false, err // not ours to grant
		}
		s.Coins[user] += n
		return true, nil
	})
	return err
}

// A test of recovery code fills the fake app's order store, runs the code,
// and reads the store back. Here one order is left pending from an earlier
// session, and a purchase fails after the payment went through, which
// leaves its order pending too; then the app cannot be reached for a while.
func Example_recovery() {
	sdk := bridgetest.NewSDK()
	defer sdk.Close()
	client, err := bridge.New(sdk.Value())
	if err != nil {
		panic(err)
	}
	defer client.Close()
	shop := &Shop{IAP: client, Coins: map[string]int{}}
	ctx := context.Background()

	sdk.AddPendingOrder("order-1", "coin_100")
	go func() {
		co := <-sdk.Checkouts()
		co.Fail(bridge.ErrTossServerVerificationFailed, "", "order-2")
	}()
	err = shop.BuyCoins(ctx, "ada", 500)
	fmt.Println("buy:", bridge.CodeOf(err), "coins:", shop.Coins["ada"])

	// The app fails getPendingOrders once.
	sdk.Handle(bridgetest.GetPendingOrders, func([]safejs.Value) bridgetest.Answer {
		sdk.Handle(bridgetest.GetPendingOrders, nil) // only this once
		return bridgetest.Fail(bridge.ErrNetworkError, "offline", "")
	})
	err = shop.RecoverCoins(ctx, "ada")
	fmt.Println("recover:", bridge.CodeOf(err), "coins:", shop.Coins["ada"])

	err = shop.RecoverCoins(ctx, "ada")
	fmt.Println("recover:", err, "coins:", shop.Coins["ada"])
	err = shop.RecoverCoins(ctx, "ada")
	fmt.Println("again:", err, "coins:", shop.Coins["ada"])
	for _, o := range sdk.Orders() {
		fmt.Println(o.OrderID, o.SKU, o.Status)
	}
	fmt.Println("completeProductGrant calls:", sdk.Calls(bridgetest.CompleteProductGrant))
	// Output:
	// buy: TOSS_SERVER_VERIFICATION_FAILED coins: 0
	// recover: NETWORK_ERROR coins: 0
	// recover: <nil> coins: 600
	// again: <nil> coins: 600
	// order-1 coin_100 COMPLETED
	// order-2 coin_500 COMPLETED
	// completeProductGrant calls: 2
}
