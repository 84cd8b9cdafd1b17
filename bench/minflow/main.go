//go:build js && wasm

// Command minflow is the per-flow baseline for bench/flow.mjs: about the
// least a Go program can do to run one one-time purchase on the real SDK.
// It enters Go exactly as often as goiap's buy() does, five times: buy
// itself, the SDK's processProductGrant, the grant fetch's answer, its JSON,
// and the success event. No goroutines, channels, contexts, timeouts or
// validation: what goiap's client costs beyond this is its own work.
//
// The page (bench/flow.mjs) sets, before running it:
//
//	__goiapMinSDK            the SDK module namespace (uses IAP)
//	__goiapMinFetch          the fetch to POST the grant with
//	__goiapMinWithResolvers  Promise.withResolvers or an equivalent
//
// and it sets goMinBuy(sku) → Promise of the success event's data.
package main

import "syscall/js"

const grantURL = "/api/grant"

func main() {
	g := js.Global()
	iap := g.Get("__goiapMinSDK").Get("IAP")
	fetch := g.Get("__goiapMinFetch")
	withResolvers := g.Get("__goiapMinWithResolvers")
	headers := js.ValueOf(map[string]any{"content-type": "application/json"})

	buy := js.FuncOf(func(_ js.Value, args []js.Value) any {
		sku := args[0].String()
		done := withResolvers.Invoke()
		var cleanup js.Value
		var grant, onEvent, onError js.Func
		release := func() {
			if cleanup.Type() == js.TypeFunction {
				cleanup.Invoke()
			}
			grant.Release()
			onEvent.Release()
			onError.Release()
		}
		grant = js.FuncOf(func(_ js.Value, args []js.Value) any {
			orderID := args[0].Get("orderId").String()
			granted := withResolvers.Invoke()
			var onResponse, onBody, onFail js.Func
			settle := func(ok bool) {
				onResponse.Release()
				onBody.Release()
				onFail.Release()
				granted.Get("resolve").Invoke(ok)
			}
			onResponse = js.FuncOf(func(_ js.Value, args []js.Value) any {
				res := args[0]
				if !res.Get("ok").Bool() {
					settle(false)
					return nil
				}
				res.Call("json").Call("then", onBody, onFail)
				return nil
			})
			onBody = js.FuncOf(func(_ js.Value, args []js.Value) any {
				settle(args[0].Type() == js.TypeObject && args[0].Get("granted").Equal(js.ValueOf(true)))
				return nil
			})
			onFail = js.FuncOf(func(js.Value, []js.Value) any {
				settle(false)
				return nil
			})
			body := `{"orderId":"` + orderID + `","sku":"` + sku + `"}` // ids and SKUs need no escaping here
			fetch.Invoke(grantURL, map[string]any{"method": "POST", "headers": headers, "body": body}).Call("then", onResponse, onFail)
			return granted.Get("promise")
		})
		onEvent = js.FuncOf(func(_ js.Value, args []js.Value) any {
			if args[0].Get("type").String() == "success" {
				release()
				done.Get("resolve").Invoke(args[0].Get("data"))
			}
			return nil
		})
		onError = js.FuncOf(func(_ js.Value, args []js.Value) any {
			release()
			done.Get("reject").Invoke(args[0])
			return nil
		})
		cleanup = iap.Call("createOneTimePurchaseOrder", map[string]any{
			"options": map[string]any{"sku": sku, "processProductGrant": grant},
			"onEvent": onEvent,
			"onError": onError,
		})
		return done.Get("promise")
	})
	g.Set("goMinBuy", buy)
	select {}
}
