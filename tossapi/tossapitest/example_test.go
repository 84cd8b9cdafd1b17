package tossapitest_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

// grantable is the code under test: grant only a paid order of this user.
func grantable(ctx context.Context, c *tossapi.Client, orderID string, user tossapi.UserKey) (bool, error) {
	st, err := c.GetOrderStatus(ctx, orderID, user)
	if err != nil {
		return false, err
	}
	return st.OrderID == orderID && st.Status.Paid(), nil
}

// A user tests their own grant logic against the fake, over real mutual TLS.
func Example() {
	srv := tossapitest.NewServer()
	defer srv.Close()

	// In a test, tossapi.New(srv.Config(t)) does these steps.
	dir, err := os.MkdirTemp("", "tossapitest")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	cfg, err := srv.WriteConfig(dir)
	if err != nil {
		panic(err)
	}
	client, err := tossapi.New(cfg)
	if err != nil {
		panic(err)
	}
	defer client.Close()
	ctx := context.Background()

	alice, bob := srv.AddUser(), srv.AddUser()
	order := srv.AddOrder(alice, "gem_100", tossapi.StatusPaymentCompleted)

	ok, _ := grantable(ctx, client, order, alice)
	fmt.Println("alice's order for alice:", ok)
	ok, _ = grantable(ctx, client, order, bob)
	fmt.Println("alice's order for bob:", ok)

	srv.Refund(order)
	ok, _ = grantable(ctx, client, order, alice)
	fmt.Println("after the refund:", ok)

	srv.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, HTTPStatus: 503})
	_, err = grantable(ctx, client, order, alice)
	fmt.Println("Toss down:", errors.Is(err, tossapi.ErrUnavailable))
	// Output:
	// alice's order for alice: true
	// alice's order for bob: false
	// after the refund: false
	// Toss down: true
}
