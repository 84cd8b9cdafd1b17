// Package bridge is the typed Go API over the Apps in Toss SDK's IAP
// namespace (@apps-in-toss/web-framework, or @apps-in-toss/web-bridge), for
// Go compiled with GOOS=js GOARCH=wasm.
//
// A [Client] is made from the SDK's module namespace. Its one-time purchase
// keeps the SDK's contract and closes its traps: the grant callback runs in
// its own goroutine and is always answered to the SDK as true or false
// (an error, a panic or the deadline answer false, because the SDK loses a
// rejection); a purchase settles exactly once, with a [Result] or an
// [*Error] whose [Code] can be matched with errors.Is; at most one purchase
// is in flight per client; an app too old to sell (where the SDK silently
// does nothing) fails with [ErrUnsupportedAppVersion]; and on the SDK's
// legacy path a grant that answered false is never reported as success.
//
// The types, codes and decoders compile on every platform, so code that
// handles results and errors can be tested natively; the client itself
// needs js/wasm. Package bridgetest scripts a fake IAP namespace for tests
// of your own purchase code.
package bridge
