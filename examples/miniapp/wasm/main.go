//go:build js && wasm

// Command wasm is the example mini-app's own Go program, built to its own
// main.wasm: the team's purchase rules written against goiap's bridge
// package. Its rule: a user buys an item at most DailyLimit times in 24
// hours, counted from the user's own completed orders (the SDK answers
// those of the logged-in Toss user), and checked before the checkout opens.
//
// The page (src/shop.ts) sets globalThis.miniapp = {sdk, grantURL, ready}
// and runs this program; it calls ready with an object of functions:
//
//	buy(sku)        → Promise<{orderId, displayName, displayAmount}>
//	boughtToday(sku) → Promise<number>
//	recover()       → Promise<{granted: number, failed: number}>
//
// A refusal is an Error with .code: bridge's codes, or DAILY_LIMIT.
package main

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"
	"time"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/bridge"
)

// DailyLimit is how many times one user may buy one item in 24 hours.
const DailyLimit = 2

// errDailyLimit is the team's own refusal, answered before any checkout.
var errDailyLimit = errors.New("DAILY_LIMIT")

func main() {
	boot := js.Global().Get("miniapp")
	client, err := bridge.New(safejs.Safe(boot.Get("sdk")))
	if err != nil {
		boot.Call("fail", jsError(err))
		return
	}
	s := &shop{client: client, grantURL: boot.Get("grantURL").String(), now: time.Now}
	boot.Call("ready", js.ValueOf(map[string]any{
		"buy": js.FuncOf(func(_ js.Value, args []js.Value) any {
			sku := args[0].String()
			return promise(func(ctx context.Context) (any, error) { return s.buy(ctx, sku) })
		}),
		"boughtToday": js.FuncOf(func(_ js.Value, args []js.Value) any {
			sku := args[0].String()
			return promise(func(ctx context.Context) (any, error) { return s.boughtToday(ctx, sku) })
		}),
		"recover": js.FuncOf(func(js.Value, []js.Value) any {
			return promise(s.recover)
		}),
	}))
	select {} // the program lives as long as the page
}

type shop struct {
	client   *bridge.Client
	grantURL string
	now      func() time.Time
}

// buy checks the limit in Go, then buys through bridge; the grant is the
// partner server's (POST grantURL), which verifies the order with Toss.
func (s *shop) buy(ctx context.Context, sku string) (any, error) {
	n, err := s.boughtToday(ctx, sku)
	if err != nil {
		return nil, err
	}
	if n >= DailyLimit {
		return nil, fmt.Errorf("%w: %s bought %d times in 24 hours", errDailyLimit, sku, n)
	}
	res, err := s.client.Purchase(ctx, sku, func(ctx context.Context, orderID string) (bool, error) {
		return s.grant(ctx, orderID, sku)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"orderId": res.OrderID, "displayName": res.DisplayName, "displayAmount": res.DisplayAmount}, nil
}

// boughtToday counts the user's completed orders of sku in the last 24
// hours. Toss sends dates without a zone, in Korean time.
func (s *shop) boughtToday(ctx context.Context, sku string) (int, error) {
	kst := time.FixedZone("KST", 9*60*60)
	since := s.now().Add(-24 * time.Hour)
	n := 0
	for o, err := range s.client.AllOrders(ctx) {
		if err != nil {
			return 0, err
		}
		at, err := time.ParseInLocation("2006-01-02T15:04:05", o.Date, kst)
		if o.SKU == sku && o.Status == bridge.Completed && (err != nil || at.After(since)) {
			n++ // an unreadable date counts: the limit errs on the safe side
		}
	}
	return n, nil
}

// recover grants orders paid for earlier and never granted, on every entry.
func (s *shop) recover(ctx context.Context) (any, error) {
	r, err := s.client.Recover(ctx, func(ctx context.Context, o bridge.PendingOrder) (bool, error) {
		return s.grant(ctx, o.OrderID, o.SKU)
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"granted": len(r.Granted), "failed": len(r.Failed)}, nil
}

// grant asks the partner server with the page's fetch, so the session
// cookie goes along: granted only on a 2xx answer with "granted": true.
func (s *shop) grant(ctx context.Context, orderID, sku string) (bool, error) {
	body := js.Global().Get("JSON").Call("stringify", map[string]any{"orderId": orderID, "sku": sku})
	resp, err := await(ctx, js.Global().Call("fetch", s.grantURL, map[string]any{
		"method": "POST", "body": body, "credentials": "same-origin",
		"headers": map[string]any{"content-type": "application/json"},
	}))
	if err != nil {
		return false, err
	}
	if !resp.Get("ok").Bool() {
		return false, fmt.Errorf("grant: HTTP %d", resp.Get("status").Int())
	}
	answer, err := await(ctx, resp.Call("json"))
	if err != nil {
		return false, err
	}
	granted := answer.Get("granted")
	return granted.Type() == js.TypeBoolean && granted.Bool(), nil
}
