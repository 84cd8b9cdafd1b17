//go:build js && wasm

package main

import (
	"context"
	"errors"
	"strconv"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/internal/wasm"
)

var (
	jsAbortController, _ = safejs.Global().Get("AbortController")
	jsonHeaders          = wasm.ValueOf(map[string]any{"content-type": "application/json"})
)

// granter asks the partner's server to grant an order: POST grantURL with
// {"orderId","sku"} (and "subscriptionId" for subscriptions). Only a 2xx
// answer whose JSON body has "granted": true counts as granted.
type granter struct {
	url   string
	fetch safejs.Value
	await *wasm.Callbacks
}

func (g *granter) grant(ctx context.Context, orderID, sku, subscriptionID string) (bool, error) {
	body := `{"orderId":` + jsonString(orderID) + `,"sku":` + jsonString(sku)
	if subscriptionID != "" {
		body += `,"subscriptionId":` + jsonString(subscriptionID)
	}
	body += "}"

	// The deadline aborts the request itself, so a hung server costs no
	// more than the grant timeout.
	ac, err := jsAbortController.New()
	if err != nil {
		return false, err
	}
	stop := context.AfterFunc(ctx, func() { _, _ = ac.Call("abort") })
	defer stop()
	signal, _ := ac.Get("signal")

	pending, err := g.fetch.Invoke(g.url, map[string]any{
		"method":      "POST",
		"headers":     jsonHeaders,
		"body":        body,
		"credentials": "same-origin", // the session cookie identifies the user
		"signal":      signal,
	})
	if err != nil {
		return false, err
	}
	resp, err := g.await.Await(ctx, pending)
	if err != nil {
		return false, err
	}
	r := wasm.JS(resp)
	status := int(r.Get("status").Num())
	if status < 200 || status > 299 {
		return false, errors.New("grant endpoint answered " + strconv.Itoa(status))
	}
	parsing, err := wasm.Unwrap(r).Call("json")
	if err != nil {
		return false, err
	}
	answer, err := g.await.Await(ctx, parsing)
	if err != nil {
		return false, err
	}
	granted := wasm.JS(answer).Get("granted") // read once: each read is a call into JS
	return granted.Type() == wasm.TypeBoolean && granted.Bool(), nil
}
