//go:build js && wasm

package bridgetest_test

import (
	"context"
	"fmt"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/bridge/bridgetest"
)

// Shop is the code under test: a mini-app's own purchase logic.
type Shop struct {
	IAP   *bridge.Client
	Coins map[string]int // user → coins; a real shop asks its server
}

// BuyCoins buys n coins for user and grants them once per order.
func (s *Shop) BuyCoins(ctx context.Context, user string, n int) error {
	granted := map[string]bool{}
	_, err := s.IAP.Purchase(ctx, fmt.Sprintf("coin_%d", n), func(ctx context.Context, orderID string) (bool, error) {
		if !granted[orderID] {
			granted[orderID] = true
			s.Coins[user] += n
		}
		return true, nil
	})
	return err
}

// A test of Shop plays the Toss app through the fake SDK: it pays for one
// checkout, and the user cancels the next.
func Example() {
	sdk := bridgetest.NewSDK()
	defer sdk.Close()
	client, err := bridge.New(sdk.Value())
	if err != nil {
		panic(err)
	}
	defer client.Close()
	shop := &Shop{IAP: client, Coins: map[string]int{}}

	go func() {
		co := <-sdk.Checkouts()
		co.Pay("order-1", bridgetest.ResultFor("order-1", co.SKU()))

		co = <-sdk.Checkouts()
		co.Fail(bridge.ErrUserCanceled, "", "")
	}()

	err = shop.BuyCoins(context.Background(), "ada", 100)
	fmt.Println("first:", err, "coins:", shop.Coins["ada"])
	err = shop.BuyCoins(context.Background(), "ada", 500)
	fmt.Println("second:", bridge.CodeOf(err), "coins:", shop.Coins["ada"])
	fmt.Println("listening:", sdk.Open(), "posted:", sdk.Posted())
	// Output:
	// first: <nil> coins: 100
	// second: USER_CANCELED coins: 100
	// listening: 0 posted: 2
}

// An app older than 5.219.0, where the SDK silently does nothing: the
// client refuses up front instead of waiting forever.
func ExampleSDK_SetApp() {
	sdk := bridgetest.NewSDK()
	defer sdk.Close()
	sdk.SetApp("5.218.0", "android", "toss")
	client, _ := bridge.New(sdk.Value())
	defer client.Close()

	_, err := client.Purchase(context.Background(), "coin_100", func(context.Context, string) (bool, error) { return true, nil })
	fmt.Println(bridge.CodeOf(err), "posted:", sdk.Posted())
	// Output:
	// UNSUPPORTED_APP_VERSION posted: 0
}

// A legacy app (below android 5.231.1 / ios 5.230.0) reports success
// whatever the grant answered; the client does not believe it.
func ExampleCheckout_Legacy() {
	sdk := bridgetest.NewSDK()
	defer sdk.Close()
	sdk.SetApp("5.229.0", "ios", "toss")
	client, _ := bridge.New(sdk.Value())
	defer client.Close()

	go func() {
		co := <-sdk.Checkouts()
		co.Pay("order-1", bridgetest.ResultFor("order-1", co.SKU()))
	}()
	_, err := client.Purchase(context.Background(), "coin_100", func(context.Context, string) (bool, error) { return false, nil })
	fmt.Println(err)
	// Output:
	// goiap: PRODUCT_NOT_GRANTED_BY_PARTNER: the grant answered false (order order-1)
}
