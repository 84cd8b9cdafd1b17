package grant_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/grant/sqlitestore"
	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

// A grant server over SQLite, asking a fake Toss over mutual TLS: the user
// logs in, pays, and the grant credits the wallet once; the refund sweep
// takes it back.
func Example() {
	ctx := context.Background()
	toss := tossapitest.NewServer() // in production: the real API and your certificate
	defer toss.Close()
	dir, _ := os.MkdirTemp("", "grant-example")
	defer os.RemoveAll(dir)
	tossCfg, _ := toss.WriteConfig(dir)
	client, err := tossapi.New(tossCfg)
	if err != nil {
		panic(err)
	}
	defer client.Close()
	store, err := sqlitestore.Open(ctx, filepath.Join(dir, "grants.db"))
	if err != nil {
		panic(err)
	}
	defer store.Close()

	srv, err := grant.New(grant.Config{
		Store: store,
		Toss:  client,
		Credits: func(sku string) int64 {
			if sku == "coin_100" {
				return 100
			}
			return 0
		},
		OnRevoke:  func(r grant.Record) { fmt.Println("revoked", r.SKU) },
		PlainHTTP: true, // httptest serves plain HTTP; leave false behind HTTPS
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		panic(err)
	}
	web := httptest.NewServer(srv.Handler())
	defer web.Close()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	order := "(none yet)" // random: the output names it ORDER
	post := func(path, body string) {
		resp, err := browser.Post(web.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		fmt.Print(resp.StatusCode, " ", strings.ReplaceAll(string(b), order, "ORDER"))
	}
	me := func() {
		resp, err := browser.Get(web.URL + "/api/me")
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		fmt.Print(string(b))
	}

	toss.AddUserKey(42)
	post("/api/login", `{"authorizationCode":"`+toss.NewLoginCode(42)+`","referrer":"SANDBOX"}`)
	order = toss.AddOrder(42, "coin_100", tossapi.StatusPaymentCompleted)
	body := `{"orderId":"` + order + `","sku":"coin_100"}`
	post("/api/grant", body)
	post("/api/grant", body) // a retry: granted again, credited once
	me()

	toss.Refund(order)
	if err := srv.Sweep(ctx); err != nil {
		panic(err)
	}
	me()
	// Output:
	// 200 {"userKey":42}
	// 200 {"granted":true,"orderId":"ORDER","sku":"coin_100"}
	// 200 {"granted":true,"orderId":"ORDER","sku":"coin_100"}
	// {"userKey":42,"grants":1,"wallet":{"balance":100}}
	// revoked coin_100
	// {"userKey":42,"grants":0,"wallet":{"balance":0}}
}
