// Package bridgetest is to package bridge what net/http/httptest is to
// net/http: a scriptable fake of the Apps in Toss SDK module namespace,
// written in Go, so purchase code can be tested with `go test` under
// GOOS=js GOARCH=wasm (in Node, with Go's go_js_wasm_exec) without a phone.
//
// [NewSDK] makes the fake. Hand [SDK.Value] to bridge.New where the real
// module namespace would go; every checkout the code under test opens (a
// one-time purchase or a subscription) comes out of [SDK.Checkouts] as a
// [*Checkout], which the test then plays the Toss app with: [Checkout.Pay]
// for the whole happy path, or [Checkout.Purchased], [Checkout.Succeed],
// [Checkout.Fail], [Checkout.Emit] and [Checkout.EmitError] step by step.
//
// The rest of IAP, the Promise methods getProductItemList,
// getPendingOrders, completeProductGrant, getCompletedOrRefundedOrders and
// getSubscriptionInfo, answer by themselves from the fake app's state: a
// catalogue ([SDK.SetProducts]) and an order store ([Order]) that purchases
// fill and the test can fill and read too ([SDK.AddPendingOrder],
// [SDK.AddOrder], [SDK.UpdateOrder], [SDK.Orders], [SDK.Order]). So a test
// of recovery code is: put pending orders in the store, run the code, read
// the store. To script any call instead (an error, junk, undefined, an
// answer that never comes, or one that comes later) give the method a
// [Handler] with [SDK.Handle]; [SDK.Calls] counts the calls.
//
// The fake behaves as @apps-in-toss/web-bridge 2.10.8 does, traps
// included:
//
//   - isMinVersionSupported is the SDK's, down to its version compare, and
//     the "sandbox" environment passes every gate ([SDK.SetApp]);
//   - below app 5.219.0 createOneTimePurchaseOrder returns a no-op and opens
//     nothing: the purchase silently never happens ([SDK.Posted] stays 0);
//   - below android 5.231.1 / ios 5.230.0 it takes the legacy path: when the
//     app answers, processProductGrant is called and success is reported
//     whatever it returned, and the returned cleanup is a no-op;
//   - on the current path a purchased event makes the SDK await
//     processProductGrant and report its answer to the app, which then sends
//     success if it was true, or the error PRODUCT_NOT_GRANTED_BY_PARTNER if
//     it was false; a grant that throws or rejects is lost, and nothing is
//     reported ([ErrGrantLost]);
//   - below android 5.248.0 / ios 5.249.0 createSubscriptionPurchaseOrder
//     returns a no-op; above, a subscription's purchased event carries a
//     subscriptionId, which processProductGrant receives with the order id;
//   - the Promise methods post their arguments as JSON (a Handler sees the
//     copy), and below a method's minimum version (getProductItemList
//     5.219.0, getPendingOrders android 5.234.0 / ios 5.231.0,
//     completeProductGrant 5.233.0, getCompletedOrRefundedOrders 5.231.0,
//     getSubscriptionInfo with subscriptions) the app answers undefined, or
//     never ([SDK.SetBelowMinimum]);
//   - errors reach onError, and rejections reach the page, as the SDK
//     rebuilds them: an Error carrying code, userInfo and __isError;
//   - after cleanup the SDK's listeners are gone and later events are
//     dropped ([ErrDropped]).
//
// Where the real SDK would throw (a malformed call), the fake's functions
// return undefined or false instead: a Go function cannot throw into JS.
//
// Call the Checkout methods from a goroutine of the test, never from inside
// a JS callback: they call into JS and wait for promises.
package bridgetest
