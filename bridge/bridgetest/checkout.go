//go:build js && wasm

package bridgetest

import (
	"errors"
	"fmt"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/internal/wasm"
)

// Checkout is one checkout the SDK posted to the app, for a one-time
// purchase or a subscription ([Checkout.Subscription]); the test plays the
// app with its methods. Call them from a goroutine of the test, never from
// inside a JS callback. Each returns ErrDropped when the SDK no longer
// listens for the checkout, and ErrClosed once the SDK is closed.
//
// The user paying (a purchased event, or a legacy answer) records the order
// in the SDK's store; see [Order].
//
// On the current path the app sends events (Purchased, Succeed, Emit) and
// errors (Fail, EmitError) until the checkout is cleaned up. On the legacy
// path it answers once: Succeed, Pay or Emit resolve the SDK's call, after
// which the SDK calls processProductGrant and reports success whatever the
// grant said; Fail or EmitError reject it.
type Checkout struct {
	sdk            *SDK
	sku            string
	legacy         bool
	subscription   bool
	offerID        string
	subscriptionID string
	grant          safejs.Value // options.processProductGrant
	onEvent        safejs.Value
	onError        safejs.Value

	// guarded by sdk.mu
	cleanedUp bool
	answered  bool // legacy: the app has answered
}

// SKU is the product the checkout is for: options.sku, or
// options.productId when sku is absent.
func (co *Checkout) SKU() string { return co.sku }

// Legacy reports whether the SDK took the legacy path (app below android
// 5.231.1 / ios 5.230.0, outside the sandbox). Subscriptions have none.
func (co *Checkout) Legacy() bool { return co.legacy }

// Subscription reports whether the checkout came from
// createSubscriptionPurchaseOrder.
func (co *Checkout) Subscription() bool { return co.subscription }

// OfferID is the subscription offer the page asked for: options.offerId,
// "" when it gave none (the SDK then sends null) or for one-time checkouts.
func (co *Checkout) OfferID() string { return co.offerID }

// SubscriptionID is the id the app gives the subscription of this
// checkout: "sub-1", "sub-2", … in the order the SDK posted subscription
// checkouts; "" for one-time ones. Purchased and Pay send it with the
// order id, and the SDK passes both to processProductGrant.
func (co *Checkout) SubscriptionID() string { return co.subscriptionID }

// CleanedUp reports whether the cleanup createOneTimePurchaseOrder returned
// has been called. On the legacy path that cleanup is a no-op: the SDK
// keeps listening until the app answers.
func (co *Checkout) CleanedUp() bool {
	co.sdk.mu.Lock()
	defer co.sdk.mu.Unlock()
	return co.cleanedUp
}

func (co *Checkout) cleanup([]safejs.Value) any {
	co.sdk.mu.Lock()
	co.cleanedUp = true
	co.sdk.mu.Unlock()
	return nil
}

func (co *Checkout) listeningLocked() bool {
	if co.legacy {
		return !co.answered
	}
	return !co.cleanedUp
}

// check says whether a message from the app can reach the SDK now; a
// legacy answer is taken (only the first gets through).
func (co *Checkout) check(answer bool) error {
	co.sdk.mu.Lock()
	defer co.sdk.mu.Unlock()
	switch {
	case co.sdk.closed:
		return ErrClosed
	case !co.listeningLocked():
		return ErrDropped
	}
	if answer && co.legacy {
		co.answered = true
	}
	return nil
}

// Purchased is the app's purchased event for orderID (the user paid): the
// SDK calls processProductGrant({orderId}) and awaits it, and Purchased
// waits too. It reports whether the grant answered true. When it did, the
// app then waits for Succeed (or Fail); otherwise the app sends the error
// PRODUCT_NOT_GRANTED_BY_PARTNER with userInfo.orderId at once. A grant
// that throws, rejects or answers a non-boolean fails with ErrGrantLost,
// and the app is told nothing. A grant already awaited when the checkout is
// cleaned up is still reported, as in the SDK.
//
// On a subscription checkout the event carries SubscriptionID too, and the
// SDK calls processProductGrant({orderId, subscriptionId}).
//
// The store records the order Pending (unless it knows it), and completes
// it when the grant answered true.
//
// On the legacy path it fails with ErrLegacy.
func (co *Checkout) Purchased(orderID string) (granted bool, err error) {
	if co.legacy {
		return false, ErrLegacy
	}
	if err := co.check(false); err != nil {
		return false, err
	}
	data := map[string]any{"orderId": orderID}
	if co.subscription {
		data["subscriptionId"] = co.subscriptionID
	}
	return co.purchased(wasm.ValueOf(data))
}

// purchased is the SDK's handling of a purchased event with data.
func (co *Checkout) purchased(data safejs.Value) (bool, error) {
	if t := data.Type(); t == safejs.TypeUndefined || t == safejs.TypeNull {
		return false, fmt.Errorf("%w: purchased event with data %s (the SDK throws reading data.orderId)", ErrGrantLost, t)
	}
	orderID, subscriptionID := safejs.Undefined(), safejs.Undefined() // unless data is an object
	if isObject(data) {
		orderID = get(data, "orderId")
		if co.subscription {
			subscriptionID = get(data, "subscriptionId")
		}
	}
	id := wasm.JS(orderID).Str()
	co.sdk.paid(id, co.sku, wasm.JS(subscriptionID).Str(), Pending) // the user paid
	g, err := co.callGrant(orderID, subscriptionID)
	switch {
	case err != nil:
		return false, err
	case g.failed:
		return false, fmt.Errorf("%w: processProductGrant threw or rejected: %w", ErrGrantLost, wasm.ErrorFrom(wasm.JS(g.value)))
	case g.value.Type() != safejs.TypeBoolean:
		return false, fmt.Errorf("%w: processProductGrant answered %s, not a boolean", ErrGrantLost, g.value.Type())
	case wasm.JS(g.value).Bool():
		co.sdk.complete(id) // the app took the grant report
		return true, nil
	}
	// The app tells the page; dropped if the page stopped listening.
	_ = co.deliverError(appError(bridge.ErrProductNotGrantedByPartner, "the partner did not grant the product", id))
	return false, nil
}

// grantAnswer is what processProductGrant came to: the value it resolved
// with, or, when failed, what it threw or rejected with.
type grantAnswer struct {
	value  safejs.Value
	failed bool
}

// callGrant calls processProductGrant({orderId}), or for a subscription
// processProductGrant({orderId, subscriptionId}), and awaits it as the SDK
// does. It fails only with ErrClosed.
func (co *Checkout) callGrant(orderID, subscriptionID safejs.Value) (grantAnswer, error) {
	arg := map[string]any{"orderId": orderID}
	if co.subscription {
		arg["subscriptionId"] = subscriptionID
	}
	p, thrown, threw := call(co.grant, wasm.ValueOf(arg))
	if threw {
		return grantAnswer{value: thrown, failed: true}, nil
	}
	v, err := co.sdk.cbs.Await(co.sdk.ctx, p)
	if co.sdk.ctx.Err() != nil || errors.Is(err, wasm.ErrClosed) {
		return grantAnswer{}, ErrClosed // Await marked p handled
	}
	return grantAnswer{value: v, failed: err != nil}, nil
}

// Succeed is the app's success: the event {type: "success", data: r} on
// the current path. On the legacy path it resolves the SDK's call with r;
// the SDK then awaits processProductGrant and sends success whatever it
// answered (onError if it threw or rejected), and Succeed waits for that.
func (co *Checkout) Succeed(r bridge.Result) error {
	if co.legacy {
		_, err := co.answer(resultValue(r))
		return err
	}
	return co.Emit(wasm.ValueOf(map[string]any{"type": "success", "data": resultValue(r)}))
}

// Pay is the whole purchase as the app runs it: on the current path
// Purchased(orderID), then success with r if the grant answered true, else
// the error PRODUCT_NOT_GRANTED_BY_PARTNER; on the legacy path Succeed(r),
// which reports success whatever the grant answered. r.OrderID is set to
// orderID. It reports what the grant answered. The order ends up in the
// store: Completed if the grant answered true (or on the legacy path),
// else Pending, for a recovery to find.
func (co *Checkout) Pay(orderID string, r bridge.Result) (granted bool, err error) {
	r.OrderID = orderID
	if co.legacy {
		return co.answer(resultValue(r))
	}
	granted, err = co.Purchased(orderID)
	if err != nil || !granted {
		return granted, err
	}
	return true, co.Succeed(r)
}

// Fail is the app's error with code and message; orderID, when not "",
// goes in userInfo.orderId. onError receives it as the SDK rebuilds it: an
// Error with code, userInfo, moduleName and __isError. An empty message is
// the code. An error that names an order says the user paid for it: the
// store records the order Pending, unless it knows it already.
func (co *Checkout) Fail(code bridge.Code, message, orderID string) error {
	if err := co.EmitError(appError(code, message, orderID)); err != nil {
		return err
	}
	co.sdk.paid(orderID, co.sku, "", Pending)
	return nil
}

// Emit sends a raw event, a safejs.Value or anything js.ValueOf takes (a
// map[string]any, …), through the SDK: on the current path a purchased
// event runs the grant as Purchased does (and returns its error), and
// anything else goes to onEvent as it is. On the legacy path the event is
// the app's answer: the SDK calls processProductGrant({orderId:
// event.orderId}) and then onEvent({type: "success", data: event}). A value
// js.ValueOf cannot take is an error (and nothing is sent).
func (co *Checkout) Emit(event any) error {
	ev, err := toJS(event)
	if err != nil {
		return err
	}
	if co.legacy {
		_, err := co.answer(ev)
		return err
	}
	if err := co.check(false); err != nil {
		return err
	}
	if t := ev.Type(); t == safejs.TypeUndefined || t == safejs.TypeNull {
		return nil // the SDK throws reading event.type, in an async function: lost
	}
	if isObject(ev) && wasm.JS(ev).Get("type").Str() == "purchased" {
		_, err := co.purchased(get(ev, "data"))
		return err
	}
	call(co.onEvent, ev) // a throwing onEvent is the page's problem
	return nil
}

// EmitError sends a raw error payload, a safejs.Value or anything
// js.ValueOf takes, through the SDK to onError: as the SDK does, a payload
// with __isError becomes an Error carrying its keys, and anything else (a
// plain object, a string, undefined) passes as it is. On the legacy path it
// rejects the SDK's call. A value js.ValueOf cannot take is an error (and
// nothing is sent).
func (co *Checkout) EmitError(v any) error {
	ev, err := toJS(v)
	if err != nil {
		return err
	}
	return co.deliverError(ev)
}

// deliverError is an error to onError; on the legacy path it is the answer.
func (co *Checkout) deliverError(v safejs.Value) error {
	if err := co.check(true); err != nil {
		return err
	}
	call(co.onError, deserializeError(v))
	return nil
}

// answer resolves a legacy checkout's call with response, and runs the
// SDK's legacy flow: the grant, then success whatever it answered.
func (co *Checkout) answer(response safejs.Value) (granted bool, err error) {
	if err := co.check(true); err != nil {
		return false, err
	}
	if t := response.Type(); t == safejs.TypeUndefined || t == safejs.TypeNull {
		call(co.onError, typeError("Cannot read properties of "+t.String()+" (reading 'orderId')"))
		return false, nil
	}
	orderID := safejs.Undefined()
	if isObject(response) {
		orderID = get(response, "orderId")
	}
	// The legacy app counts the order delivered once it answers.
	co.sdk.paid(wasm.JS(orderID).Str(), co.sku, "", bridge.Completed)
	g, err := co.callGrant(orderID, safejs.Undefined())
	if err != nil {
		return false, err
	}
	if g.failed { // the SDK's catch hands what it threw or rejected with to onError
		call(co.onError, g.value)
		return false, nil
	}
	success := wasm.ValueOf(map[string]any{"type": "success", "data": response})
	if _, thrown, threw := call(co.onEvent, success); threw {
		call(co.onError, thrown) // the SDK's catch sees a throwing onEvent too
	}
	return wasm.JS(g.value).Bool(), nil
}

// appError is an error as the app sends it, before the SDK rebuilds it.
func appError(code bridge.Code, message, orderID string) safejs.Value {
	if message == "" {
		message = string(code)
	}
	userInfo := map[string]any{}
	if orderID != "" {
		userInfo["orderId"] = orderID
	}
	return wasm.ValueOf(map[string]any{
		"name": "Error", "message": message, "code": string(code),
		"userInfo": userInfo, "moduleName": "IAP", "__isError": true,
	})
}

// deserializeError is the SDK's: a value with __isError becomes an Error
// with every key of the value copied onto it.
func deserializeError(v safejs.Value) safejs.Value {
	if !isObject(v) {
		return v
	}
	if t, _ := get(v, "__isError").Truthy(); !t {
		return v
	}
	e, err := global("Error").New(get(v, "message"))
	if err != nil {
		return v
	}
	_, _ = global("Object").Call("assign", e, v)
	return e
}

func resultValue(r bridge.Result) safejs.Value {
	var icon any
	if r.MiniAppIconURL != nil {
		icon = *r.MiniAppIconURL
	}
	return wasm.ValueOf(map[string]any{
		"orderId": r.OrderID, "displayName": r.DisplayName, "displayAmount": r.DisplayAmount,
		"amount": r.Amount, "currency": r.Currency, "fraction": r.Fraction, "miniAppIconUrl": icon,
	})
}

// toJS converts what Emit and EmitError take.
func toJS(v any) (safejs.Value, error) {
	switch x := v.(type) {
	case safejs.Value:
		return x, nil
	case bridge.Result:
		return resultValue(x), nil
	}
	out, err := safejs.ValueOf(v)
	if err != nil {
		return safejs.Undefined(), fmt.Errorf("bridgetest: cannot send a %T: %w", v, err)
	}
	return out, nil
}

func isObject(v safejs.Value) bool {
	t := v.Type()
	return t == safejs.TypeObject || t == safejs.TypeFunction
}

// get is v[key], undefined where reading it throws.
func get(v safejs.Value, key string) safejs.Value { return wasm.Unwrap(wasm.JS(v).Get(key)) }

// global is globalThis[name].
func global(name string) safejs.Value { return get(safejs.Global(), name) }

func typeError(message string) safejs.Value {
	e, err := global("TypeError").New(message)
	if err != nil {
		return wasm.ValueOf(message)
	}
	return e
}

// call calls fn and reports what it threw. A value that is not a function
// throws a TypeError, as in JS.
func call(fn safejs.Value, args ...any) (ret, thrown safejs.Value, threw bool) {
	if t := fn.Type(); t != safejs.TypeFunction {
		return safejs.Undefined(), typeError(t.String() + " is not a function"), true
	}
	ret, err := fn.Invoke(args...)
	if err != nil {
		thrown, ok := wasm.Thrown(err)
		if !ok {
			thrown = typeError(err.Error())
		}
		return safejs.Undefined(), thrown, true
	}
	return ret, safejs.Undefined(), false
}
