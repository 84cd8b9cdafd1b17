package tossapi_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

// newClient returns a client of a fake Toss and a cleanup. In production the
// Config is only the certificate files issued in the Apps in Toss console:
//
//	tossapi.New(tossapi.Config{CertFile: "partner.crt", KeyFile: "partner.key"})
func newClient() (*tossapitest.Server, *tossapi.Client, func()) {
	toss := tossapitest.NewServer()
	dir, err := os.MkdirTemp("", "tossapi-example")
	if err != nil {
		panic(err)
	}
	cfg, err := toss.WriteConfig(dir) // a client certificate the fake trusts
	if err != nil {
		panic(err)
	}
	client, err := tossapi.New(cfg)
	if err != nil {
		panic(err)
	}
	return toss, client, func() { client.Close(); toss.Close(); os.RemoveAll(dir) }
}

// Before granting, ask Toss whether the order was paid, bound to the user
// of the session: another user's order is NOT_FOUND.
func ExampleClient_GetOrderStatus() {
	toss, client, done := newClient()
	defer done()
	ctx := context.Background()
	alice, mallory := toss.AddUser(), toss.AddUser()
	orderID := toss.AddOrder(alice, "coin_100", tossapi.StatusPaymentCompleted)

	for _, user := range []tossapi.UserKey{alice, mallory} {
		st, err := client.GetOrderStatus(ctx, orderID, user)
		if err != nil {
			panic(err)
		}
		grantable := st.OrderID == orderID && st.Status.Paid()
		fmt.Println(st.Status, st.SKU, "grant:", grantable)
	}
	// Output:
	// PAYMENT_COMPLETED coin_100 grant: true
	// NOT_FOUND  grant: false
}

// Toss login on the server: the page's appLogin() gives an authorization
// code, the server exchanges it for tokens and asks whose they are.
func ExampleClient_GenerateToken() {
	toss, client, done := newClient()
	defer done()
	ctx := context.Background()
	toss.AddUserKey(9007199254740993) // above 2^53: kept exact
	code := toss.NewLoginCode(9007199254740993)

	tok, err := client.GenerateToken(ctx, code, "SANDBOX")
	if err != nil {
		panic(err)
	}
	me, err := client.LoginMe(ctx, tok.AccessToken)
	if err != nil {
		panic(err)
	}
	fmt.Println("user", me.UserKey)

	_, err = client.GenerateToken(ctx, code, "SANDBOX") // codes are single use
	fmt.Println("second use refused:", errors.Is(err, tossapi.ErrInvalidGrant))
	// Output:
	// user 9007199254740993
	// second use refused: true
}

// Errors sort with errors.Is: ErrUnavailable means "ask again later" (answer
// 503 with Retry-After), anything else is a refusal; errors.As gives the
// details Toss sent.
func ExampleError() {
	toss, client, done := newClient()
	defer done()
	ctx := context.Background()
	orderID := toss.AddOrder(toss.AddUser(), "coin_100", tossapi.StatusPaymentCompleted)

	toss.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, HTTPStatus: 503})
	_, err := client.GetOrderStatus(ctx, orderID, tossapi.NoUser)
	var e *tossapi.Error
	if errors.As(err, &e) {
		fmt.Println("HTTP", e.HTTPStatus, e.Code, "unavailable:", errors.Is(err, tossapi.ErrUnavailable))
	}
	toss.ClearFaults()

	st, err := client.GetOrderStatus(ctx, orderID, tossapi.NoUser)
	fmt.Println(st.Status, err)
	// Output:
	// HTTP 503 INTERNAL_ERROR unavailable: true
	// PAYMENT_COMPLETED <nil>
}
