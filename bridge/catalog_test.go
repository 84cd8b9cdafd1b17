//go:build js && wasm

package bridge_test

import (
	"context"
	"fmt"
	"syscall/js"
	"testing"

	"github.com/hack-pad/safejs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/bridge/bridgetest"
	"github.com/goiap/goiap/internal/wasm"
)

// Tests of the Promise calls of the client (catalog.go) on the fake's store.

var background = context.Background()

// answer makes the fake answer every call of method with a.
func (e *env) answer(method string, a bridgetest.Answer) {
	e.sdk.Handle(method, bridgetest.Always(a))
}

// decodeErrorAt checks err is ErrInvalidResponse caused by a DecodeError
// at path.
func decodeErrorAt(t *testing.T, err error, path string) {
	t.Helper()
	be := asError(t, err, bridge.ErrInvalidResponse)
	var de *wasm.DecodeError
	require.ErrorAs(t, be, &de)
	assert.Equal(t, path, de.Path, "%v", de)
}

var catalogue = []bridge.Product{
	{SKU: "coin_100", Type: bridge.Consumable, DisplayName: "코인 100개", DisplayAmount: "1,100원", IconURL: "https://static.toss.im/icons/coin.png", Description: "Coins"},
	{SKU: "remove_ads", Type: bridge.NonConsumable, DisplayName: "광고 제거", DisplayAmount: "3,300원", IconURL: "https://static.toss.im/icons/no-ads.png", Description: "No more ads"},
	{SKU: "premium_monthly", Type: bridge.Subscription, DisplayName: "프리미엄", DisplayAmount: "4,900원", IconURL: "https://static.toss.im/icons/premium.png", Description: "Premium", RenewalCycle: "MONTHLY",
		Offers: []bridge.Offer{
			{Type: bridge.FreeTrial, OfferID: "trial_7d", Period: "P7D"},
			{Type: bridge.NewSubscription, OfferID: "new_50", Period: "P1M", DisplayAmount: "2,450원"},
			{Type: bridge.Returning, OfferID: "back_30", Period: "P1M", DisplayAmount: "3,430원"},
		}},
	{SKU: "premium_yearly", Type: bridge.Subscription, DisplayName: "프리미엄 연간", DisplayAmount: "49,000원", RenewalCycle: "YEARLY"},
}

func TestProducts(t *testing.T) {
	e := newEnv(t)
	products, err := e.c.Products(background)
	require.NoError(t, err)
	assert.Equal(t, []bridge.Product{}, products, "an empty catalogue is an empty list, not nil")

	e.sdk.SetProducts(catalogue...)
	products, err = e.c.Products(background)
	require.NoError(t, err)
	assert.Equal(t, catalogue, products)
	assert.Nil(t, products[3].Offers, "a subscription without offers")
	assert.Equal(t, 2, e.sdk.Calls(bridgetest.GetProductItemList))
}

func TestProductsExtraKeys(t *testing.T) {
	e := newEnv(t)
	e.answer(bridgetest.GetProductItemList, bridgetest.Resolve(map[string]any{
		"products": []any{map[string]any{
			"sku": "coin_100", "type": "CONSUMABLE", "displayName": "Coins", "displayAmount": "1,100원",
			"iconUrl": nil, "amount": 1100, "currency": "KRW", // the simulated app adds these
		}},
		"version": 2,
	}))
	products, err := e.c.Products(background)
	require.NoError(t, err)
	assert.Equal(t, []bridge.Product{{SKU: "coin_100", Type: bridge.Consumable, DisplayName: "Coins", DisplayAmount: "1,100원"}}, products)
}

func TestProductsMalformed(t *testing.T) {
	product := func(change map[string]any) map[string]any {
		p := map[string]any{"sku": "premium", "type": "SUBSCRIPTION", "displayName": "P", "displayAmount": "4,900원",
			"iconUrl": "", "description": "", "renewalCycle": "MONTHLY",
			"offers": []any{map[string]any{"type": "FREE_TRIAL", "offerId": "t", "period": "P7D"}}}
		for k, v := range change {
			if v == nil {
				delete(p, k)
			} else {
				p[k] = v
			}
		}
		return p
	}
	tests := []struct {
		name   string
		answer any
		path   string
	}{
		{"null", nil, "result"},
		{"an array", []any{}, "result"},
		{"no products", map[string]any{}, "result.products"},
		{"products not an array", map[string]any{"products": "coin_100"}, "result.products"},
		{"a product not an object", map[string]any{"products": []any{"coin_100"}}, "result.products[0]"},
		{"empty sku", map[string]any{"products": []any{product(map[string]any{"sku": ""})}}, "result.products[0].sku"},
		{"unknown type", map[string]any{"products": []any{product(map[string]any{"type": "BUNDLE"})}}, "result.products[0].type"},
		{"no type", map[string]any{"products": []any{product(map[string]any{"type": nil})}}, "result.products[0].type"},
		{"a price as a number", map[string]any{"products": []any{product(map[string]any{"displayAmount": 4900})}}, "result.products[0].displayAmount"},
		{"no renewal cycle", map[string]any{"products": []any{product(map[string]any{"renewalCycle": nil})}}, "result.products[0].renewalCycle"},
		{"offers not an array", map[string]any{"products": []any{product(map[string]any{"offers": "t"})}}, "result.products[0].offers"},
		{"an offer of an unknown type", map[string]any{"products": []any{product(map[string]any{"offers": []any{map[string]any{"type": "LOYALTY", "offerId": "l", "period": "P1M"}}})}}, "result.products[0].offers[0].type"},
		{"an offer without id", map[string]any{"products": []any{product(map[string]any{"offers": []any{map[string]any{"type": "FREE_TRIAL", "period": "P7D"}}})}}, "result.products[0].offers[0].offerId"},
		{"a bad second product", map[string]any{"products": []any{product(nil), product(map[string]any{"sku": 7})}}, "result.products[1].sku"},
	}
	e := newEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.answer(bridgetest.GetProductItemList, bridgetest.Resolve(tt.answer))
			products, err := e.c.Products(background)
			decodeErrorAt(t, err, tt.path)
			assert.Nil(t, products)
		})
	}
}

func TestPendingOrders(t *testing.T) {
	e := newEnv(t)
	orders, err := e.c.PendingOrders(background)
	require.NoError(t, err)
	assert.Equal(t, []bridge.PendingOrder{}, orders)

	e.sdk.AddOrder(bridgetest.Order{OrderID: "o-1", SKU: "coin_100", PaymentCompletedDate: "2025-09-22T10:00:00"})
	e.sdk.AddOrder(bridgetest.Order{OrderID: "o-2", SKU: "coin_100", Status: bridge.Completed})
	e.sdk.AddOrder(bridgetest.Order{OrderID: "o-3", SKU: "remove_ads", PaymentCompletedDate: "2025-09-23T10:00:00"})
	orders, err = e.c.PendingOrders(background)
	require.NoError(t, err)
	assert.Equal(t, []bridge.PendingOrder{
		{OrderID: "o-1", SKU: "coin_100", PaymentCompletedDate: "2025-09-22T10:00:00"},
		{OrderID: "o-3", SKU: "remove_ads", PaymentCompletedDate: "2025-09-23T10:00:00"},
	}, orders, "only the pending ones")
}

func TestPendingOrdersExtraKeys(t *testing.T) {
	e := newEnv(t)
	e.answer(bridgetest.GetPendingOrders, bridgetest.Resolve(map[string]any{
		"orders": []any{
			map[string]any{"orderId": "o-1", "sku": "coin_100", "paymentCompletedDate": "2025-09-22T10:00:00", "store": "SIM", "meta": map[string]any{"x": 1}},
			map[string]any{"orderId": "o-2", "sku": "coin_100", "paymentCompletedDate": nil},
			map[string]any{"orderId": "o-3", "sku": "coin_100"},
		},
		"cursor": nil, "total": 3,
	}))
	orders, err := e.c.PendingOrders(background)
	require.NoError(t, err)
	assert.Equal(t, []bridge.PendingOrder{
		{OrderID: "o-1", SKU: "coin_100", PaymentCompletedDate: "2025-09-22T10:00:00"},
		{OrderID: "o-2", SKU: "coin_100"},
		{OrderID: "o-3", SKU: "coin_100"},
	}, orders)
}

func TestPendingOrdersMalformed(t *testing.T) {
	e := newEnv(t)
	for answer, path := range map[string]string{
		`null`:                       "result",
		`{"orders": {}}`:             "result.orders",
		`{"orders": [null]}`:         "result.orders[0]",
		`{"orders": [{"sku": "a"}]}`: "result.orders[0].orderId",
		`{"orders": [{"orderId": "o-1", "sku": 1}]}`:                              "result.orders[0].sku",
		`{"orders": [{"orderId": "o-1", "sku": "a", "paymentCompletedDate": 5}]}`: "result.orders[0].paymentCompletedDate",
	} {
		e.answer(bridgetest.GetPendingOrders, bridgetest.Resolve(js.Global().Get("JSON").Call("parse", answer)))
		_, err := e.c.PendingOrders(background)
		decodeErrorAt(t, err, path)
	}
}

func TestCompleteProductGrant(t *testing.T) {
	e := newEnv(t)
	e.sdk.AddPendingOrder("o-1", "coin_100")
	require.NoError(t, e.c.CompleteProductGrant(background, "o-1"))
	o, _ := e.sdk.Order("o-1")
	assert.Equal(t, bridge.Completed, o.Status)
	require.NoError(t, e.c.CompleteProductGrant(background, "o-1"), "twice is fine")

	// The app answers false for an order it does not know.
	be := asError(t, e.c.CompleteProductGrant(background, "o-404"), bridge.ErrInternalError)
	assert.Equal(t, "o-404", be.OrderID)
	assert.Equal(t, 3, e.sdk.Calls(bridgetest.CompleteProductGrant))

	be = asError(t, e.c.CompleteProductGrant(background, ""), bridge.ErrInvalidResponse)
	assert.Empty(t, be.OrderID)
	assert.Equal(t, 3, e.sdk.Calls(bridgetest.CompleteProductGrant), "no order id: no call")

	e.answer(bridgetest.CompleteProductGrant, bridgetest.Fail(bridge.ErrNetworkError, "offline", ""))
	be = asError(t, e.c.CompleteProductGrant(background, "o-2"), bridge.ErrNetworkError)
	assert.Equal(t, "o-2", be.OrderID, "the error names the order")
	assert.Equal(t, "offline", be.Message)

	// The SDK types the answer boolean; anything but false is taken as done.
	for _, v := range []any{map[string]any{}, "ok", 1, nil} {
		e.answer(bridgetest.CompleteProductGrant, bridgetest.Resolve(v))
		assert.NoError(t, e.c.CompleteProductGrant(background, "o-3"), "%v", v)
	}
}

// finished adds n completed or refunded orders, o-1…o-n.
func (e *env) finished(n int) []bridge.Order {
	var want []bridge.Order
	for i := 1; i <= n; i++ {
		st := bridge.Completed
		if i%3 == 0 {
			st = bridge.Refunded
		}
		o := bridge.Order{OrderID: fmt.Sprint("o-", i), SKU: "coin_100", Status: st, Date: fmt.Sprintf("2025-09-%02dT00:00:00", i)}
		e.sdk.AddOrder(bridgetest.Order{OrderID: o.OrderID, SKU: o.SKU, Status: o.Status, Date: o.Date})
		want = append(want, o)
	}
	return want
}

func TestOrdersPaging(t *testing.T) {
	e := newEnv(t)
	page, err := e.c.Orders(background, "")
	require.NoError(t, err)
	assert.Equal(t, bridge.OrdersPage{Orders: []bridge.Order{}}, page)

	e.sdk.SetPageSize(2)
	want := e.finished(5)
	e.sdk.AddPendingOrder("p-1", "coin_100") // not finished: not listed

	page, err = e.c.Orders(background, "")
	require.NoError(t, err)
	assert.Equal(t, bridge.OrdersPage{HasNext: true, NextKey: "2", Orders: want[:2]}, page)
	page, err = e.c.Orders(background, page.NextKey)
	require.NoError(t, err)
	assert.Equal(t, bridge.OrdersPage{HasNext: true, NextKey: "4", Orders: want[2:4]}, page)
	assert.Equal(t, bridge.Refunded, page.Orders[0].Status)
	page, err = e.c.Orders(background, page.NextKey)
	require.NoError(t, err)
	assert.Equal(t, bridge.OrdersPage{Orders: want[4:]}, page, "the last page: no next key")

	_, err = e.c.Orders(background, "not-a-key")
	asError(t, err, bridge.ErrInternalError)
}

func TestOrdersMalformed(t *testing.T) {
	e := newEnv(t)
	for answer, path := range map[string]string{
		`{"orders": []}`:                                   "result.hasNext",
		`{"hasNext": true, "orders": []}`:                  "result.nextKey",
		`{"hasNext": true, "nextKey": "", "orders": []}`:   "result.nextKey",
		`{"hasNext": false, "nextKey": 2, "orders": []}`:   "result.nextKey",
		`{"hasNext": false, "orders": [{"orderId": "o"}]}`: "result.orders[0].sku",
		`{"hasNext": false, "orders": [{"orderId": "o", "sku": "s", "status": "PENDING", "date": "d"}]}`: "result.orders[0].status",
	} {
		e.answer(bridgetest.GetCompletedOrRefundedOrders, bridgetest.Resolve(js.Global().Get("JSON").Call("parse", answer)))
		_, err := e.c.Orders(background, "")
		decodeErrorAt(t, err, path)
	}
}

// collect runs AllOrders to its end, or for at most limit orders.
func collect(c *bridge.Client, limit int) (orders []bridge.Order, errs []error) {
	for o, err := range c.AllOrders(background) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		orders = append(orders, o)
		if len(orders) == limit {
			break
		}
	}
	return orders, errs
}

func TestAllOrders(t *testing.T) {
	t.Run("across pages", func(t *testing.T) {
		e := newEnv(t)
		e.sdk.SetPageSize(2)
		want := e.finished(5)
		orders, errs := collect(e.c, -1)
		assert.Empty(t, errs)
		assert.Equal(t, want, orders)
		assert.Equal(t, 3, e.sdk.Calls(bridgetest.GetCompletedOrRefundedOrders))
	})
	t.Run("none", func(t *testing.T) {
		e := newEnv(t)
		orders, errs := collect(e.c, -1)
		assert.Empty(t, errs)
		assert.Empty(t, orders)
		assert.Equal(t, 1, e.sdk.Calls(bridgetest.GetCompletedOrRefundedOrders))
	})
	t.Run("break reads no more pages", func(t *testing.T) {
		e := newEnv(t)
		e.sdk.SetPageSize(2)
		want := e.finished(6)
		orders, errs := collect(e.c, 3)
		assert.Empty(t, errs)
		assert.Equal(t, want[:3], orders)
		assert.Equal(t, 2, e.sdk.Calls(bridgetest.GetCompletedOrRefundedOrders))
	})
	t.Run("stops on an error", func(t *testing.T) {
		e := newEnv(t)
		e.sdk.SetPageSize(2)
		want := e.finished(5)
		var keys []string
		e.sdk.Handle(bridgetest.GetCompletedOrRefundedOrders, func(args []safejs.Value) bridgetest.Answer {
			if len(args) == 0 {
				return bridgetest.Default()
			}
			keys = append(keys, wasm.JS(args[0]).Get("key").Str())
			return bridgetest.Fail(bridge.ErrNetworkError, "", "")
		})
		orders, errs := collect(e.c, -1)
		assert.Equal(t, want[:2], orders)
		require.Len(t, errs, 1)
		asError(t, errs[0], bridge.ErrNetworkError)
		assert.Equal(t, []string{"2"}, keys, "the second page was asked for with the first's key")
		assert.Equal(t, 2, e.sdk.Calls(bridgetest.GetCompletedOrRefundedOrders), "no retry")
	})
	t.Run("stops on a repeated key", func(t *testing.T) {
		e := newEnv(t)
		e.answer(bridgetest.GetCompletedOrRefundedOrders, bridgetest.Resolve(map[string]any{
			"hasNext": true, "nextKey": "same",
			"orders": []any{map[string]any{"orderId": "o-1", "sku": "coin_100", "status": "COMPLETED", "date": "2025-09-22T00:00:00"}},
		}))
		orders, errs := collect(e.c, -1)
		assert.Len(t, orders, 2, "the first page, and the second that repeated the key")
		require.Len(t, errs, 1)
		be := asError(t, errs[0], bridge.ErrInvalidResponse)
		assert.Contains(t, be.Message, "same")
		assert.Equal(t, 2, e.sdk.Calls(bridgetest.GetCompletedOrRefundedOrders))
	})
	t.Run("stops on a key seen pages ago", func(t *testing.T) {
		e := newEnv(t)
		n := 0
		e.sdk.Handle(bridgetest.GetCompletedOrRefundedOrders, func([]safejs.Value) bridgetest.Answer {
			n++
			return bridgetest.Resolve(map[string]any{"hasNext": true, "nextKey": fmt.Sprint("k", n%2), "orders": []any{}})
		})
		orders, errs := collect(e.c, -1)
		assert.Empty(t, orders)
		require.Len(t, errs, 1)
		asError(t, errs[0], bridge.ErrInvalidResponse)
		assert.Equal(t, 3, e.sdk.Calls(bridgetest.GetCompletedOrRefundedOrders), "k1, k0, then k1 again")
	})
}

func TestSubscriptionInfo(t *testing.T) {
	e := newEnv(t)
	e.sdk.AddOrder(bridgetest.Order{OrderID: "s-1", SKU: "premium_monthly", SubscriptionID: "sub-1", Status: bridge.Completed, PaymentCompletedDate: "2025-09-01T00:00:00"})
	info, err := e.c.SubscriptionInfo(background, "s-1")
	require.NoError(t, err)
	expires := "2025-10-01T00:00:00"
	assert.Equal(t, bridge.SubscriptionInfo{CatalogID: 1, Status: "ACTIVE", ExpiresAt: &expires, IsAutoRenew: true, IsAccessible: true}, info)

	grace := "2025-10-04T00:00:00"
	set := bridge.SubscriptionInfo{CatalogID: 42, Status: "IN_GRACE_PERIOD", ExpiresAt: &expires, GracePeriodExpiresAt: &grace, IsAccessible: true}
	e.sdk.UpdateOrder("s-1", func(o *bridgetest.Order) { o.Subscription = &set })
	info, err = e.c.SubscriptionInfo(background, "s-1")
	require.NoError(t, err)
	assert.Equal(t, set, info)

	e.sdk.AddPendingOrder("o-1", "coin_100")
	for _, id := range []string{"o-1", "o-404"} {
		_, err = e.c.SubscriptionInfo(background, id)
		be := asError(t, err, bridge.ErrInvalidProductID)
		assert.Equal(t, id, be.OrderID)
	}
	_, err = e.c.SubscriptionInfo(background, "")
	asError(t, err, bridge.ErrInvalidResponse)
	assert.Equal(t, 4, e.sdk.Calls(bridgetest.GetSubscriptionInfo), "no order id: no call")

	for answer, path := range map[string]string{
		`null`:                "result",
		`{}`:                  "result.subscription",
		`{"subscription": 1}`: "result.subscription",
		`{"subscription": {"catalogId": 1.5, "status": "ACTIVE", "isAutoRenew": true, "isAccessible": true}}`:               "result.subscription.catalogId",
		`{"subscription": {"catalogId": 1, "status": "", "isAutoRenew": true, "isAccessible": true}}`:                       "result.subscription.status",
		`{"subscription": {"catalogId": 1, "status": "ACTIVE", "isAutoRenew": "yes", "isAccessible": true}}`:                "result.subscription.isAutoRenew",
		`{"subscription": {"catalogId": 1, "status": "ACTIVE", "expiresAt": 0, "isAutoRenew": true, "isAccessible": true}}`: "result.subscription.expiresAt",
	} {
		e.answer(bridgetest.GetSubscriptionInfo, bridgetest.Resolve(js.Global().Get("JSON").Call("parse", answer)))
		_, err := e.c.SubscriptionInfo(background, "s-1")
		decodeErrorAt(t, err, path)
		var be *bridge.Error
		require.ErrorAs(t, err, &be)
		assert.Equal(t, "s-1", be.OrderID, answer)
	}
}
