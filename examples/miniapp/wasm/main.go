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
	"time"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/bridge"
)

// DailyLimit is how many times one user may buy one item in 24 hours.
const DailyLimit = 2

// errDailyLimit is the team's own refusal, answered before any checkout.
var errDailyLimit = errors.New("DAILY_LIMIT")

func main() {
	if err := run(); err != nil {
		panic(err) // the page has no boot object to tell
	}
	select {} // the program lives as long as the page
}

// run hands the page its functions, or tells it why not.
func run() error {
	boot, err := global("miniapp")
	if err != nil {
		return err
	}
	sdk, err := boot.Get("sdk")
	if err != nil {
		return err
	}
	client, err := bridge.New(sdk)
	if err != nil {
		_, err = boot.Call("fail", jsError(err))
		return err
	}
	grantURL, err := boot.Get("grantURL")
	if err != nil {
		return err
	}
	url, err := grantURL.String()
	if err != nil {
		return err
	}
	s := &shop{client: client, grantURL: url, now: time.Now}
	// byName answers a Promise of f's result for the sku JS passed.
	byName := func(f func(ctx context.Context, sku string) (any, error)) (safejs.Value, error) {
		fn, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			sku := ""
			if len(args) > 0 {
				sku, _ = args[0].String()
			}
			p, err := promise(func(ctx context.Context) (any, error) { return f(ctx, sku) })
			if err != nil {
				return jsError(err)
			}
			return p
		})
		return fn.Value(), err
	}
	buy, err := byName(s.buy)
	if err != nil {
		return err
	}
	bought, err := byName(func(ctx context.Context, sku string) (any, error) { return s.boughtToday(ctx, sku) })
	if err != nil {
		return err
	}
	rec, err := byName(func(ctx context.Context, _ string) (any, error) { return s.recover(ctx) })
	if err != nil {
		return err
	}
	_, err = boot.Call("ready", map[string]any{"buy": buy, "boughtToday": bought, "recover": rec})
	return err
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
	jsonNS, err := global("JSON")
	if err != nil {
		return false, err
	}
	body, err := jsonNS.Call("stringify", map[string]any{"orderId": orderID, "sku": sku})
	if err != nil {
		return false, err
	}
	fetching, err := safejs.Global().Call("fetch", s.grantURL, map[string]any{
		"method": "POST", "body": body, "credentials": "same-origin",
		"headers": map[string]any{"content-type": "application/json"},
	})
	if err != nil {
		return false, err
	}
	resp, err := await(ctx, fetching)
	if err != nil {
		return false, err
	}
	if ok, err := resp.Get("ok"); err != nil || !truthy(ok) {
		status, _ := resp.Get("status")
		code, _ := status.Int()
		return false, fmt.Errorf("grant: HTTP %d", code)
	}
	parsing, err := resp.Call("json")
	if err != nil {
		return false, err
	}
	answer, err := await(ctx, parsing)
	if err != nil {
		return false, err
	}
	granted, err := answer.Get("granted")
	if err != nil || granted.Type() != safejs.TypeBoolean {
		return false, err
	}
	return granted.Bool()
}

// truthy is v as a JS condition sees it.
func truthy(v safejs.Value) bool {
	t, _ := v.Truthy()
	return t
}
