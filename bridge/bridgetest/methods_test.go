//go:build js && wasm

package bridgetest_test

import (
	"fmt"
	"sync/atomic"
	"syscall/js"
	"testing"
	"time"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/bridge/bridgetest"
	"github.com/goiap/goiap/internal/wasm"
)

// These tests drive the Promise methods and the store from JS, as a page
// would drive the real SDK.

// settled is what a Promise came to.
type settled struct {
	ok    bool // resolved, not rejected
	value js.Value
}

// promise tracks a JS Promise from Go.
type promise struct{ log js.Value }

func track(p js.Value) *promise {
	log := js.Global().Get("Array").New()
	jsFunc("p, log", "Promise.resolve(p).then((v) => log.push([true, v]), (e) => log.push([false, e]))").Invoke(p, log)
	return &promise{log: log}
}

// wait is what the promise settled to, failing the test if it never does.
func (p *promise) wait(t *testing.T) settled {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for p.log.Length() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the promise never settled")
		}
		time.Sleep(time.Millisecond)
	}
	e := p.log.Index(0)
	return settled{ok: e.Index(0).Bool(), value: e.Index(1)}
}

// pending asserts the promise has not settled after a while.
func (p *promise) pending(t *testing.T) {
	t.Helper()
	time.Sleep(20 * time.Millisecond)
	assert.Equal(t, 0, p.log.Length(), "the promise settled")
}

// callIAP calls IAP[name](args...) and tracks the Promise it returns.
func callIAP(t *testing.T, sdk *bridgetest.SDK, name string, args ...any) *promise {
	t.Helper()
	p := safejs.Unsafe(sdk.Value()).Get("IAP").Call(name, args...)
	require.True(t, p.InstanceOf(js.Global().Get("Promise")), "IAP.%s returns a Promise", name)
	return track(p)
}

// resolved is the value IAP[name](args...) resolved with.
func resolved(t *testing.T, sdk *bridgetest.SDK, name string, args ...any) js.Value {
	t.Helper()
	s := callIAP(t, sdk, name, args...).wait(t)
	require.True(t, s.ok, "IAP.%s rejected: %v", name, s.value)
	return s.value
}

func jsJSON(v js.Value) string {
	if v.IsUndefined() {
		return "undefined"
	}
	return js.Global().Get("JSON").Call("stringify", v).String()
}

func orderParams(id string) map[string]any {
	return map[string]any{"params": map[string]any{"orderId": id}}
}

var allMethods = []string{
	bridgetest.GetProductItemList, bridgetest.GetPendingOrders, bridgetest.CompleteProductGrant,
	bridgetest.GetCompletedOrRefundedOrders, bridgetest.GetSubscriptionInfo,
}

func TestProductItemList(t *testing.T) {
	sdk := newSDK(t)
	assert.JSONEq(t, `{"products":[]}`, jsJSON(resolved(t, sdk, "getProductItemList")), "the catalogue starts empty")
	sdk.SetProducts(
		bridge.Product{SKU: "coin_100", Type: bridge.Consumable, DisplayName: "Coins", DisplayAmount: "1,100원", IconURL: "https://x/c.png", Description: "coins"},
		bridge.Product{SKU: "no_ads", Type: bridge.NonConsumable, DisplayName: "No ads", DisplayAmount: "3,300원"},
		bridge.Product{SKU: "premium", Type: bridge.Subscription, DisplayName: "Premium", DisplayAmount: "4,900원", RenewalCycle: "MONTHLY",
			Offers: []bridge.Offer{{Type: bridge.FreeTrial, OfferID: "trial", Period: "P7D"}, {Type: bridge.NewSubscription, OfferID: "new", Period: "P1M", DisplayAmount: "2,450원"}}},
	)
	assert.JSONEq(t, `{"products":[
		{"sku":"coin_100","type":"CONSUMABLE","displayName":"Coins","displayAmount":"1,100원","iconUrl":"https://x/c.png","description":"coins"},
		{"sku":"no_ads","type":"NON_CONSUMABLE","displayName":"No ads","displayAmount":"3,300원","iconUrl":"","description":""},
		{"sku":"premium","type":"SUBSCRIPTION","displayName":"Premium","displayAmount":"4,900원","iconUrl":"","description":"","renewalCycle":"MONTHLY",
		 "offers":[{"type":"FREE_TRIAL","offerId":"trial","period":"P7D"},{"type":"NEW_SUBSCRIPTION","offerId":"new","period":"P1M","displayAmount":"2,450원"}]}
	]}`, jsJSON(resolved(t, sdk, "getProductItemList")))
	assert.Equal(t, 2, sdk.Calls(bridgetest.GetProductItemList))
}

func TestPendingAndComplete(t *testing.T) {
	sdk := newSDK(t)
	sdk.AddPendingOrder("o-1", "coin_100")
	sdk.AddOrder(bridgetest.Order{OrderID: "o-2", SKU: "coin_200", PaymentCompletedDate: "2025-09-22T00:00:00"})
	sdk.AddOrder(bridgetest.Order{OrderID: "o-3", SKU: "coin_300", Status: bridge.Completed})
	o1, _ := sdk.Order("o-1")
	assert.Equal(t, bridgetest.Pending, o1.Status)
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$`, o1.PaymentCompletedDate)
	assert.Empty(t, o1.Date)

	assert.JSONEq(t, fmt.Sprintf(`{"orders":[
		{"orderId":"o-1","sku":"coin_100","paymentCompletedDate":%q},
		{"orderId":"o-2","sku":"coin_200","paymentCompletedDate":"2025-09-22T00:00:00"}]}`, o1.PaymentCompletedDate),
		jsJSON(resolved(t, sdk, "getPendingOrders")))

	v := resolved(t, sdk, "completeProductGrant", orderParams("o-1"))
	assert.Equal(t, js.ValueOf(true), v)
	o1, ok := sdk.Order("o-1")
	require.True(t, ok)
	assert.Equal(t, bridge.Completed, o1.Status)
	assert.NotEmpty(t, o1.Date)
	assert.Equal(t, js.ValueOf(true), resolved(t, sdk, "completeProductGrant", orderParams("o-1")), "completing twice is fine")
	assert.Equal(t, js.ValueOf(false), resolved(t, sdk, "completeProductGrant", orderParams("nope")), "an unknown order")
	assert.Equal(t, js.ValueOf(false), resolved(t, sdk, "completeProductGrant"), "no order at all")
	require.True(t, sdk.UpdateOrder("o-2", func(o *bridgetest.Order) { o.Status = bridge.Refunded }))
	assert.Equal(t, js.ValueOf(false), resolved(t, sdk, "completeProductGrant", orderParams("o-2")), "a refunded order")
	assert.JSONEq(t, `{"orders":[]}`, jsJSON(resolved(t, sdk, "getPendingOrders")))
	assert.Equal(t, 5, sdk.Calls(bridgetest.CompleteProductGrant))
	assert.Equal(t, 2, sdk.Calls(bridgetest.GetPendingOrders))
}

func TestCompletedOrRefundedPages(t *testing.T) {
	sdk := newSDK(t)
	sdk.SetPageSize(2)
	sdk.AddPendingOrder("p-1", "coin_100") // not listed
	for i, st := range []bridge.OrderStatus{bridge.Completed, bridge.Refunded, bridge.Completed} {
		sdk.AddOrder(bridgetest.Order{OrderID: fmt.Sprint("o-", i+1), SKU: "coin_100", Status: st, Date: "2025-09-22T00:00:00"})
	}
	page := func(args ...any) string { return jsJSON(resolved(t, sdk, "getCompletedOrRefundedOrders", args...)) }
	assert.JSONEq(t, `{"hasNext":true,"nextKey":"2","orders":[
		{"orderId":"o-1","sku":"coin_100","status":"COMPLETED","date":"2025-09-22T00:00:00"},
		{"orderId":"o-2","sku":"coin_100","status":"REFUNDED","date":"2025-09-22T00:00:00"}]}`, page())
	assert.JSONEq(t, `{"hasNext":false,"nextKey":null,"orders":[
		{"orderId":"o-3","sku":"coin_100","status":"COMPLETED","date":"2025-09-22T00:00:00"}]}`, page(map[string]any{"key": "2"}))
	assert.JSONEq(t, `{"hasNext":false,"nextKey":null,"orders":[]}`, page(map[string]any{"key": "9"}))
	assert.JSONEq(t, page(), page(map[string]any{"key": nil}), "a null key is the first page")

	for _, key := range []string{"x", "-2", "02", "1.5"} {
		s := callIAP(t, sdk, "getCompletedOrRefundedOrders", map[string]any{"key": key}).wait(t)
		require.False(t, s.ok, key)
		assert.Equal(t, "INTERNAL_ERROR", s.value.Get("code").String())
		assert.True(t, s.value.InstanceOf(js.Global().Get("Error")))
	}
	assert.Panics(t, func() { sdk.SetPageSize(0) })
}

func TestSubscriptionInfoFromStore(t *testing.T) {
	sdk := newSDK(t)
	sdk.AddOrder(bridgetest.Order{OrderID: "s-1", SKU: "premium", SubscriptionID: "sub-9", PaymentCompletedDate: "2025-01-01T00:00:00", Status: bridge.Completed})
	assert.JSONEq(t, `{"subscription":{"catalogId":1,"status":"ACTIVE","expiresAt":"2025-01-31T00:00:00",
		"isAutoRenew":true,"gracePeriodExpiresAt":null,"isAccessible":true}}`,
		jsJSON(resolved(t, sdk, "getSubscriptionInfo", orderParams("s-1"))))

	grace := "2025-02-03T00:00:00"
	require.True(t, sdk.UpdateOrder("s-1", func(o *bridgetest.Order) {
		o.Subscription = &bridge.SubscriptionInfo{CatalogID: 7, Status: "IN_GRACE_PERIOD", GracePeriodExpiresAt: &grace}
		o.OrderID = "ignored"
	}))
	assert.JSONEq(t, `{"subscription":{"catalogId":7,"status":"IN_GRACE_PERIOD","expiresAt":null,
		"isAutoRenew":false,"gracePeriodExpiresAt":"2025-02-03T00:00:00","isAccessible":false}}`,
		jsJSON(resolved(t, sdk, "getSubscriptionInfo", orderParams("s-1"))))
	o, ok := sdk.Order("s-1")
	require.True(t, ok, "UpdateOrder keeps the id")
	grace = "changed"
	assert.Equal(t, "2025-02-03T00:00:00", *o.Subscription.GracePeriodExpiresAt, "Order hands out a copy")

	sdk.AddPendingOrder("one-time", "coin_100")
	for _, id := range []string{"one-time", "nope"} {
		s := callIAP(t, sdk, "getSubscriptionInfo", orderParams(id)).wait(t)
		require.False(t, s.ok)
		assert.Equal(t, "INVALID_PRODUCT_ID", s.value.Get("code").String())
	}
}

// The minimums of each Promise method, and the version just below them.
var belowMinimum = []struct {
	method, android, ios string // just below
	args                 []any
}{
	{bridgetest.GetProductItemList, "5.218.9", "5.218.9", nil},
	{bridgetest.GetPendingOrders, "5.233.9", "5.230.9", nil},
	{bridgetest.CompleteProductGrant, "5.232.9", "5.232.9", []any{orderParams("o-1")}},
	{bridgetest.GetCompletedOrRefundedOrders, "5.230.9", "5.230.9", nil},
	{bridgetest.GetSubscriptionInfo, "5.247.9", "5.248.9", []any{orderParams("o-1")}},
}

func TestBelowMinimum(t *testing.T) {
	for _, tt := range belowMinimum {
		t.Run(tt.method, func(t *testing.T) {
			sdk := newSDK(t)
			sdk.AddOrder(bridgetest.Order{OrderID: "o-1", SKU: "premium", SubscriptionID: "sub-1"})
			for _, app := range [][2]string{{tt.android, "android"}, {tt.ios, "ios"}} {
				sdk.SetApp(app[0], app[1], "toss")
				s := callIAP(t, sdk, tt.method, tt.args...).wait(t)
				assert.True(t, s.ok, app)
				assert.True(t, s.value.IsUndefined(), "%v: an app below the minimum answers undefined", app)
			}
			sdk.SetBelowMinimum(bridgetest.Never())
			p := callIAP(t, sdk, tt.method, tt.args...)
			p.pending(t)
			sdk.SetApp(tt.android, "android", "sandbox")
			assert.False(t, resolved(t, sdk, tt.method, tt.args...).IsUndefined(), "the sandbox passes every gate")
			sdk.SetApp("5.249.0", "android", "toss")
			sdk.SetBelowMinimum(bridgetest.Default()) // undefined again
			assert.False(t, resolved(t, sdk, tt.method, tt.args...).IsUndefined(), "at the minimum")
			assert.Equal(t, 5, sdk.Calls(tt.method))

			sdk.Close()
			s := p.wait(t)
			require.False(t, s.ok, "Close rejects what was left unanswered")
			assert.Equal(t, bridgetest.ErrUnanswered.Error(), s.value.Get("message").String())
		})
	}
}

func TestHandle(t *testing.T) {
	sdk := newSDK(t)
	sdk.AddPendingOrder("o-1", "coin_100")
	var got []safejs.Value
	sdk.Handle(bridgetest.CompleteProductGrant, func(args []safejs.Value) bridgetest.Answer {
		got = args
		return bridgetest.Default()
	})
	arg := js.ValueOf(orderParams("o-1"))
	arg.Get("params").Set("fn", jsFunc("", "return 1"))
	arg.Get("params").Set("at", js.Global().Get("Date").New(0))
	assert.Equal(t, js.ValueOf(true), resolved(t, sdk, "completeProductGrant", arg, js.Undefined()), "Default falls through to the store")
	require.Len(t, got, 2)
	assert.JSONEq(t, `{"params":{"orderId":"o-1","at":"1970-01-01T00:00:00.000Z"}}`, jsJSON(safejs.Unsafe(got[0])), "the app gets a JSON copy")
	assert.True(t, got[1].IsNull(), "undefined in an array becomes null")

	cyclic := js.Global().Get("Object").New()
	cyclic.Set("self", cyclic)
	s := callIAP(t, sdk, "completeProductGrant", cyclic).wait(t)
	require.False(t, s.ok, "JSON.stringify throws: the SDK's Promise rejects")
	assert.True(t, s.value.InstanceOf(js.Global().Get("TypeError")))
	assert.Equal(t, 1, sdk.Calls(bridgetest.CompleteProductGrant), "nothing was posted")

	type page struct {
		HasNext bool   `json:"hasNext"`
		Orders  []any  `json:"orders"`
		Note    string `json:"note,omitempty"`
	}
	tests := []struct {
		name   string
		answer bridgetest.Answer
		ok     bool
		want   string // JSON, or for a rejection a JS expression of v that must be true
	}{
		{"resolve a map", bridgetest.Resolve(map[string]any{"orders": []any{}, "extra": 1}), true, `{"orders":[],"extra":1}`},
		{"resolve a struct", bridgetest.Resolve(page{Orders: []any{}, Note: "n"}), true, `{"hasNext":false,"orders":[],"note":"n"}`},
		{"resolve a slice of bridge types", bridgetest.Resolve(map[string]any{"orders": []bridge.PendingOrder{{OrderID: "x"}}}), true, `{"orders":[{"orderId":"x","sku":"","paymentCompletedDate":""}]}`},
		{"resolve null", bridgetest.Resolve(nil), true, `null`},
		{"resolve a safejs.Value", bridgetest.Resolve(wasm.ValueOf("s")), true, `"s"`},
		{"resolve a js.Value", bridgetest.Resolve(js.ValueOf("s")), true, `"s"`},
		{"undefined", bridgetest.Undefined(), true, `undefined`},
		{"fail", bridgetest.Fail(bridge.ErrNetworkError, "", "o-9"), false, `v instanceof Error && v.code === 'NETWORK_ERROR' && v.message === 'NETWORK_ERROR' && v.userInfo.orderId === 'o-9' && v.__isError`},
		{"reject a plain object", bridgetest.Reject(map[string]any{"code": "USER_CANCELED"}), false, `!(v instanceof Error) && v.code === 'USER_CANCELED'`},
		{"reject an __isError object", bridgetest.Reject(map[string]any{"code": "X", "message": "m", "__isError": true}), false, `v instanceof Error && v.code === 'X' && v.message === 'm'`},
		{"reject a string", bridgetest.Reject("USER_CANCELED"), false, `v === 'USER_CANCELED'`},
		{"reject undefined", bridgetest.Reject(js.Undefined()), false, `v === undefined`},
		{"resolve what cannot convert", bridgetest.Resolve(make(chan int)), false, `v instanceof Error && v.message.includes('chan int')`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sdk.Handle(bridgetest.GetPendingOrders, bridgetest.Always(tt.answer))
			s := callIAP(t, sdk, "getPendingOrders").wait(t)
			require.Equal(t, tt.ok, s.ok, jsJSON(s.value))
			if tt.ok {
				if tt.want == "undefined" {
					assert.True(t, s.value.IsUndefined())
				} else {
					assert.JSONEq(t, tt.want, jsJSON(s.value))
				}
				return
			}
			assert.True(t, jsFunc("v", "return "+tt.want).Invoke(s.value).Bool(), "%s: got %s", tt.want, jsJSON(s.value))
		})
	}

	// A handler may keep state and block to answer later.
	release := make(chan struct{})
	var n atomic.Int32
	sdk.Handle(bridgetest.GetPendingOrders, func([]safejs.Value) bridgetest.Answer {
		if n.Add(1) == 1 {
			<-release
			return bridgetest.Fail(bridge.ErrNetworkError, "late", "")
		}
		return bridgetest.Default()
	})
	first := callIAP(t, sdk, "getPendingOrders")
	first.pending(t)
	assert.JSONEq(t, `{"orders":[]}`, jsJSON(resolved(t, sdk, "getPendingOrders")), "the second call is not held up by the first")
	close(release)
	s = first.wait(t)
	require.False(t, s.ok)
	assert.Equal(t, "late", s.value.Get("message").String())

	sdk.Handle(bridgetest.GetPendingOrders, nil)
	assert.JSONEq(t, `{"orders":[]}`, jsJSON(resolved(t, sdk, "getPendingOrders")), "nil restores the fake's answers")

	// A handler answers before any gate.
	sdk.SetApp("5.0.0", "ios", "toss")
	sdk.Handle(bridgetest.GetProductItemList, bridgetest.Always(bridgetest.Resolve(map[string]any{"products": []any{}})))
	assert.JSONEq(t, `{"products":[]}`, jsJSON(resolved(t, sdk, "getProductItemList")))

	for _, name := range []string{"createOneTimePurchaseOrder", "createSubscriptionPurchaseOrder", "iapGetProductItemList", ""} {
		assert.Panics(t, func() { sdk.Handle(name, nil) }, name)
		assert.Panics(t, func() { sdk.Calls(name) }, name)
	}
}

func TestHandlerPanicRejects(t *testing.T) {
	panics := wasm.Panics()
	sdk := bridgetest.NewSDK()
	defer sdk.Close()
	sdk.Handle(bridgetest.GetPendingOrders, func([]safejs.Value) bridgetest.Answer { panic("handler bug") })
	s := callIAP(t, sdk, "getPendingOrders").wait(t)
	require.False(t, s.ok)
	assert.Contains(t, s.value.Get("message").String(), "handler bug")
	assert.Equal(t, panics+1, wasm.Panics())
}

func TestNeverUntilClose(t *testing.T) {
	sdk := newSDK(t)
	var ps []*promise
	for _, name := range allMethods {
		sdk.Handle(name, bridgetest.Always(bridgetest.Never()))
		ps = append(ps, callIAP(t, sdk, name, orderParams("o-1")))
	}
	ps[0].pending(t)
	sdk.Close()
	for i, p := range ps {
		s := p.wait(t)
		assert.False(t, s.ok, allMethods[i])
		assert.True(t, s.value.InstanceOf(js.Global().Get("Error")), allMethods[i])
		assert.Equal(t, bridgetest.ErrUnanswered.Error(), s.value.Get("message").String())
	}
}

func TestAddOrder(t *testing.T) {
	sdk := newSDK(t)
	assert.Panics(t, func() { sdk.AddOrder(bridgetest.Order{SKU: "coin_100"}) }, "no id")
	assert.Panics(t, func() { sdk.AddOrder(bridgetest.Order{OrderID: "o", Status: "GONE"}) }, "a status the app has not")
	sdk.AddOrder(bridgetest.Order{OrderID: "o-1", SKU: "a", Status: bridge.Refunded})
	sdk.AddPendingOrder("o-2", "b")
	sdk.AddOrder(bridgetest.Order{OrderID: "o-1", SKU: "c"}) // replaces, in place
	orders := sdk.Orders()
	require.Len(t, orders, 2)
	assert.Equal(t, "o-1", orders[0].OrderID)
	assert.Equal(t, "c", orders[0].SKU)
	assert.Equal(t, bridgetest.Pending, orders[0].Status)
	orders[0].SKU = "changed"
	o, ok := sdk.Order("o-1")
	assert.True(t, ok)
	assert.Equal(t, "c", o.SKU, "Orders hands out copies")
	_, ok = sdk.Order("o-3")
	assert.False(t, ok)
	assert.False(t, sdk.UpdateOrder("o-3", func(*bridgetest.Order) { t.Error("called for no order") }))
	finished := bridgetest.Order{OrderID: "o-4", Status: bridge.Completed}
	sdk.AddOrder(finished)
	o, _ = sdk.Order("o-4")
	assert.NotEmpty(t, o.Date, "a finished order gets a date")
	assert.Equal(t, o.PaymentCompletedDate[:4], o.Date[:4])
}

// subscribe calls IAP.createSubscriptionPurchaseOrder as a page does.
func subscribe(t *testing.T, sdk *bridgetest.SDK, options map[string]any, answer string) *page {
	t.Helper()
	p := &page{log: js.Global().Get("Array").New()}
	options["processProductGrant"] = jsFunc("log", "return (arg) => { log.push(['grant', arg]); return ("+answer+")(arg) }").Invoke(p.log)
	params := map[string]any{
		"options": options,
		"onEvent": jsFunc("log", "return (e) => { log.push(['event', e]) }").Invoke(p.log),
		"onError": jsFunc("log", "return (e) => { log.push(['error', e]) }").Invoke(p.log),
	}
	p.cleanup = safejs.Unsafe(sdk.Value()).Get("IAP").Call("createSubscriptionPurchaseOrder", params)
	require.Equal(t, js.TypeFunction, p.cleanup.Type(), "createSubscriptionPurchaseOrder returns a cleanup")
	return p
}

func TestSubscriptionCheckout(t *testing.T) {
	sdk := newSDK(t)
	p := subscribe(t, sdk, map[string]any{"sku": "premium", "offerId": "offer_new"}, "() => Promise.resolve(true)")
	co := next(t, sdk)
	assert.True(t, co.Subscription())
	assert.False(t, co.Legacy())
	assert.Equal(t, "premium", co.SKU())
	assert.Equal(t, "offer_new", co.OfferID())
	assert.Equal(t, "sub-1", co.SubscriptionID())

	granted, err := co.Pay("s-1", bridgetest.ResultFor("", "premium"))
	require.NoError(t, err)
	assert.True(t, granted)
	kinds, values := p.entries()
	require.Equal(t, []string{"grant", "event"}, kinds)
	assert.JSONEq(t, `{"orderId":"s-1","subscriptionId":"sub-1"}`, jsJSON(values[0]))
	assert.Equal(t, "s-1", values[1].Get("data").Get("orderId").String())
	o, ok := sdk.Order("s-1")
	require.True(t, ok)
	assert.Equal(t, bridge.Completed, o.Status)
	assert.Equal(t, "sub-1", o.SubscriptionID)
	assert.Equal(t, "premium", o.SKU)

	// No offer: the SDK sends null.
	subscribe(t, sdk, map[string]any{"sku": "premium"}, "() => false")
	co = next(t, sdk)
	assert.Equal(t, "", co.OfferID())
	assert.Equal(t, "sub-2", co.SubscriptionID())
	granted, err = co.Pay("s-2", bridgetest.ResultFor("", "premium"))
	require.NoError(t, err)
	assert.False(t, granted)
	o, _ = sdk.Order("s-2")
	assert.Equal(t, bridgetest.Pending, o.Status, "not granted: pending")

	// A raw purchased event passes its subscriptionId as it is.
	p = subscribe(t, sdk, map[string]any{"sku": "premium"}, "() => true")
	co = next(t, sdk)
	require.NoError(t, co.Emit(map[string]any{"type": "purchased", "data": map[string]any{"orderId": "s-3"}}))
	_, values = p.entries()
	assert.JSONEq(t, `{"orderId":"s-3"}`, jsJSON(values[0]), "subscriptionId undefined")
	assert.True(t, values[0].Call("hasOwnProperty", "subscriptionId").Bool(), "the SDK passes the key anyway")

	assert.Equal(t, 3, sdk.Posted())
}

func TestSubscriptionBelowMinimum(t *testing.T) {
	for _, app := range [][2]string{{"5.247.9", "android"}, {"5.248.9", "ios"}} {
		sdk := newSDK(t)
		sdk.SetApp(app[0], app[1], "toss")
		p := subscribe(t, sdk, map[string]any{"sku": "premium"}, "() => true")
		p.cleanup.Invoke()
		assert.Equal(t, 0, sdk.Posted(), app)
	}
	sdk := newSDK(t)
	sdk.SetApp("5.248.0", "android", "toss")
	subscribe(t, sdk, map[string]any{"sku": "premium"}, "() => true")
	assert.Equal(t, 1, sdk.Posted())
}

// The store fills itself as the app would.
func TestStoreFilledByCheckouts(t *testing.T) {
	sdk := newSDK(t)
	pay := func(answer, orderID string) (bool, error) {
		open(t, sdk, map[string]any{"sku": "coin_100"}, answer)
		return next(t, sdk).Pay(orderID, bridgetest.ResultFor("", "coin_100"))
	}
	_, err := pay("() => true", "granted")
	require.NoError(t, err)
	_, err = pay("() => false", "refused")
	require.NoError(t, err)
	_, err = pay("() => { throw new Error('bug') }", "lost")
	require.ErrorIs(t, err, bridgetest.ErrGrantLost)

	open(t, sdk, map[string]any{"sku": "coin_200"}, "() => true")
	require.NoError(t, next(t, sdk).Fail(bridge.ErrTossServerVerificationFailed, "", "failed-after-payment"))
	open(t, sdk, map[string]any{"sku": "coin_200"}, "() => true")
	require.NoError(t, next(t, sdk).Fail(bridge.ErrUserCanceled, "", ""))

	sdk.SetApp("5.229.0", "ios", "toss")
	_, err = pay("() => false", "legacy")
	require.NoError(t, err)

	status := map[string]bridge.OrderStatus{}
	for _, o := range sdk.Orders() {
		status[o.OrderID] = o.Status
	}
	assert.Equal(t, map[string]bridge.OrderStatus{
		"granted":              bridge.Completed,
		"refused":              bridgetest.Pending,
		"lost":                 bridgetest.Pending,
		"failed-after-payment": bridgetest.Pending,
		"legacy":               bridge.Completed, // the legacy app has no grant report to wait for
	}, status)
	o, _ := sdk.Order("failed-after-payment")
	assert.Equal(t, "coin_200", o.SKU)
}
