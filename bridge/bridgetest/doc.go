// Package bridgetest is to package bridge what net/http/httptest is to
// net/http: a scriptable fake of the Apps in Toss SDK module namespace,
// written in Go, so purchase code can be tested with `go test` under
// GOOS=js GOARCH=wasm (in Node, with Go's go_js_wasm_exec) without a phone.
//
// [NewSDK] makes the fake. Hand [SDK.Value] to bridge.New where the real
// module namespace would go; every checkout the code under test opens comes
// out of [SDK.Checkouts] as a [*Checkout], which the test then plays the
// Toss app with: [Checkout.Pay] for the whole happy path, or
// [Checkout.Purchased], [Checkout.Succeed], [Checkout.Fail],
// [Checkout.Emit] and [Checkout.EmitError] step by step.
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
//   - errors reach onError as the SDK rebuilds them: an Error carrying code,
//     userInfo and __isError;
//   - after cleanup the SDK's listeners are gone and later events are
//     dropped ([ErrDropped]).
//
// Where the real SDK would throw (a malformed call), the fake's functions
// return undefined or false instead: a Go function cannot throw into JS.
//
// Call the Checkout methods from a goroutine of the test, never from inside
// a JS callback: they call into JS and wait for promises.
package bridgetest
