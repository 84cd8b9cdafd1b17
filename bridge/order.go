package bridge

import "github.com/goiap/goiap/internal/wasm"

// PendingOrder is an order that was paid for and not yet reported granted
// with completeProductGrant: until it is, the user has paid for nothing.
type PendingOrder struct {
	OrderID              string `json:"orderId"`
	SKU                  string `json:"sku"`
	PaymentCompletedDate string `json:"paymentCompletedDate"`
}

// OrderStatus is the state of a finished order.
type OrderStatus string

// The two finished states.
const (
	Completed OrderStatus = "COMPLETED"
	Refunded  OrderStatus = "REFUNDED"
)

// Order is a completed or refunded order.
type Order struct {
	OrderID string      `json:"orderId"`
	SKU     string      `json:"sku"`
	Status  OrderStatus `json:"status"`
	Date    string      `json:"date"` // of the purchase, or of the refund
}

// OrdersPage is one page of getCompletedOrRefundedOrders.
type OrdersPage struct {
	HasNext bool    `json:"hasNext"`
	NextKey string  `json:"nextKey" js:"emptyIsNull"` // "" on the last page
	Orders  []Order `json:"orders"`
}

// decodePendingOrders reads getPendingOrders' answer, {orders: [...]}.
// Extra keys the app adds are ignored.
func decodePendingOrders(v wasm.Value) ([]PendingOrder, error) {
	f := wasm.Object(v, "result")
	out := []PendingOrder{}
	f.Array("orders", func(_ int, item wasm.Value, path string) bool {
		of := wasm.Object(item, path)
		o := PendingOrder{
			OrderID:              of.NonEmptyString("orderId"),
			SKU:                  of.String("sku"),
			PaymentCompletedDate: optional(of.OptionalString("paymentCompletedDate")),
		}
		f.Fail(of.Err())
		out = append(out, o)
		return of.Err() == nil
	})
	if err := f.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// decodeOrdersPage reads getCompletedOrRefundedOrders' answer.
func decodeOrdersPage(v wasm.Value) (OrdersPage, error) {
	f := wasm.Object(v, "result")
	page := OrdersPage{HasNext: f.Bool("hasNext"), NextKey: optional(f.OptionalString("nextKey")), Orders: []Order{}}
	f.Array("orders", func(_ int, item wasm.Value, path string) bool {
		of := wasm.Object(item, path)
		o := Order{
			OrderID: of.NonEmptyString("orderId"),
			SKU:     of.String("sku"),
			Status:  OrderStatus(of.String("status")),
			Date:    of.String("date"),
		}
		if of.Err() == nil && o.Status != Completed && o.Status != Refunded {
			of.Fail(&wasm.DecodeError{Path: path + ".status", Want: "COMPLETED or REFUNDED", Got: wasm.TypeString})
		}
		f.Fail(of.Err())
		page.Orders = append(page.Orders, o)
		return of.Err() == nil
	})
	if err := f.Err(); err != nil {
		return OrdersPage{}, err
	}
	if page.HasNext && page.NextKey == "" {
		return OrdersPage{}, &wasm.DecodeError{Path: "result.nextKey", Want: "a key when hasNext is true", Got: wasm.TypeNull}
	}
	return page, nil
}

// SubscriptionInfo is the state of a subscription order.
type SubscriptionInfo struct {
	CatalogID            int     `json:"catalogId"`
	Status               string  `json:"status"`
	ExpiresAt            *string `json:"expiresAt"`
	IsAutoRenew          bool    `json:"isAutoRenew"`
	GracePeriodExpiresAt *string `json:"gracePeriodExpiresAt"`
	IsAccessible         bool    `json:"isAccessible"`
}

// decodeSubscriptionInfo reads getSubscriptionInfo's answer,
// {subscription: {...}}.
func decodeSubscriptionInfo(v wasm.Value) (SubscriptionInfo, error) {
	f := wasm.Object(wasm.Object(v, "result").Get("subscription"), "result.subscription")
	if v.Type() != wasm.TypeObject {
		return SubscriptionInfo{}, wasm.Object(v, "result").Err()
	}
	info := SubscriptionInfo{
		CatalogID:            f.Int("catalogId"),
		Status:               f.NonEmptyString("status"),
		ExpiresAt:            f.OptionalString("expiresAt"),
		IsAutoRenew:          f.Bool("isAutoRenew"),
		GracePeriodExpiresAt: f.OptionalString("gracePeriodExpiresAt"),
		IsAccessible:         f.Bool("isAccessible"),
	}
	if err := f.Err(); err != nil {
		return SubscriptionInfo{}, err
	}
	return info, nil
}

// Recovery is what one Recover did.
type Recovery struct {
	Granted []string          `json:"granted"` // granted and completed
	Failed  []RecoveryFailure `json:"failed"`  // still pending
}

// RecoveryFailure is an order Recover could not finish; it stays pending
// and the next Recover tries it again.
type RecoveryFailure struct {
	OrderID string `json:"orderId"`
	Code    Code   `json:"code"`
	Err     error  `json:"-"`
}
