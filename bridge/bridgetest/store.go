//go:build js && wasm

package bridgetest

import (
	"fmt"
	"strconv"
	"time"

	"github.com/goiap/goiap/bridge"
)

// Pending is the status of an order that was paid for and not yet reported
// granted: getPendingOrders lists it until completeProductGrant (or a grant
// report that said true) completes it. The finished statuses are
// bridge.Completed and bridge.Refunded.
const Pending bridge.OrderStatus = "PENDING"

// DefaultPageSize is how many orders one getCompletedOrRefundedOrders page
// holds unless [SDK.SetPageSize] says otherwise.
const DefaultPageSize = 10

// Order is an order in the fake app's store. The store is what the Promise
// methods answer from: getPendingOrders lists the Pending orders,
// completeProductGrant completes them, getCompletedOrRefundedOrders pages
// through the Completed and Refunded ones, and getSubscriptionInfo reads
// Subscription.
//
// The store fills itself as the app would: a purchased event (Pay,
// Purchased, or Emit of one) records the order Pending, and completes it
// when the grant answered true; the answer of a legacy checkout records it
// Completed (that app has no grant report to wait for); Fail with an order
// id records it Pending (money moved, so the order exists). A test can also
// fill it with [SDK.AddOrder] and [SDK.AddPendingOrder], change it with
// [SDK.UpdateOrder], and read it with [SDK.Orders] and [SDK.Order].
type Order struct {
	OrderID string
	SKU     string
	Status  bridge.OrderStatus // Pending, bridge.Completed or bridge.Refunded
	// PaymentCompletedDate is when the user paid, and Date when the order
	// was completed or refunded ("" while pending); both in the SDK's ISO
	// 8601 form, like "2025-09-22T00:00:00" (UTC).
	PaymentCompletedDate string
	Date                 string
	// SubscriptionID is the app's id of the subscription, for subscription
	// orders ("" for one-time ones).
	SubscriptionID string
	// Subscription is what getSubscriptionInfo answers for the order. Nil
	// for a subscription order means an active, auto-renewing subscription
	// a month past PaymentCompletedDate (see [DefaultSubscription]); an
	// order with neither is not a subscription, and getSubscriptionInfo
	// rejects it.
	Subscription *bridge.SubscriptionInfo
}

// DefaultSubscription is what getSubscriptionInfo answers for a
// subscription order whose Subscription is nil: active, accessible and
// auto-renewing, expiring 30 days after paidAt.
func DefaultSubscription(paidAt time.Time) bridge.SubscriptionInfo {
	expires := isoDate(paidAt.Add(30 * 24 * time.Hour))
	return bridge.SubscriptionInfo{CatalogID: 1, Status: "ACTIVE", ExpiresAt: &expires, IsAutoRenew: true, IsAccessible: true}
}

func isoDate(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }

func now() string { return isoDate(time.Now()) }

// clone is o with its own copy of Subscription.
func (o Order) clone() Order {
	if o.Subscription != nil {
		s := *o.Subscription
		if s.ExpiresAt != nil {
			e := *s.ExpiresAt
			s.ExpiresAt = &e
		}
		if s.GracePeriodExpiresAt != nil {
			g := *s.GracePeriodExpiresAt
			s.GracePeriodExpiresAt = &g
		}
		o.Subscription = &s
	}
	return o
}

// AddOrder puts o in the store, replacing an order with the same id (in
// its place), or adds it at the end. An empty Status is Pending; an empty
// PaymentCompletedDate is now, and so is an empty Date of a finished order.
// It panics on an empty OrderID, or a Status other than Pending,
// bridge.Completed and bridge.Refunded.
func (s *SDK) AddOrder(o Order) {
	if o.OrderID == "" {
		panic("bridgetest: AddOrder: an order needs an OrderID")
	}
	if o.Status == "" {
		o.Status = Pending
	}
	switch o.Status {
	case Pending, bridge.Completed, bridge.Refunded:
	default:
		panic(fmt.Sprintf("bridgetest: AddOrder: status %q is not PENDING, COMPLETED or REFUNDED", o.Status))
	}
	if o.PaymentCompletedDate == "" {
		o.PaymentCompletedDate = now()
	}
	if o.Date == "" && o.Status != Pending {
		o.Date = now()
	}
	o = o.clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putLocked(&o)
}

// AddPendingOrder records an order paid for and not yet granted, as a
// purchase whose grant failed leaves it: getPendingOrders lists it.
func (s *SDK) AddPendingOrder(orderID, sku string) {
	s.AddOrder(Order{OrderID: orderID, SKU: sku})
}

// Orders is every order in the store, in the order they were added.
func (s *SDK) Orders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Order, 0, len(s.orders))
	for _, o := range s.orders {
		out = append(out, o.clone())
	}
	return out
}

// Order is the order with id orderID, and whether there is one.
func (s *SDK) Order(orderID string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.orderIndex[orderID]; o != nil {
		return o.clone(), true
	}
	return Order{}, false
}

// UpdateOrder calls change with the stored order orderID, to change it in
// place (refund it, set its subscription state, …), and reports whether
// there was one. change runs with the SDK locked: it must not call the SDK.
// Changing OrderID is ignored.
func (s *SDK) UpdateOrder(orderID string, change func(*Order)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orderIndex[orderID]
	if o == nil {
		return false
	}
	change(o)
	o.OrderID = orderID
	return true
}

// SetProducts sets the catalogue getProductItemList answers with, in this
// order (it starts empty). Each product goes out in the SDK's shape:
// renewalCycle and offers only when set, an offer's displayAmount only when
// not "".
func (s *SDK) SetProducts(products ...bridge.Product) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.products = append([]bridge.Product(nil), products...)
}

// SetPageSize sets how many orders a getCompletedOrRefundedOrders page
// holds (DefaultPageSize at first). It panics if n < 1.
func (s *SDK) SetPageSize(n int) {
	if n < 1 {
		panic("bridgetest: SetPageSize: a page holds at least one order")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSize = n
}

func (s *SDK) putLocked(o *Order) {
	if old := s.orderIndex[o.OrderID]; old != nil {
		*old = *o
		return
	}
	s.orders = append(s.orders, o)
	s.orderIndex[o.OrderID] = o
}

// paid records that the user paid for orderID, unless the store knows the
// order already.
func (s *SDK) paid(orderID, sku, subscriptionID string, status bridge.OrderStatus) {
	if orderID == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.orderIndex[orderID] != nil {
		return
	}
	o := &Order{OrderID: orderID, SKU: sku, Status: status, PaymentCompletedDate: now(), SubscriptionID: subscriptionID}
	if status != Pending {
		o.Date = o.PaymentCompletedDate
	}
	s.putLocked(o)
}

// complete marks a pending order completed; it reports whether the order
// is completed now (false for one unknown or refunded).
func (s *SDK) complete(orderID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orderIndex[orderID]
	switch {
	case o == nil:
		return false
	case o.Status == Pending:
		o.Status = bridge.Completed
		o.Date = now()
	}
	return o.Status == bridge.Completed
}

// pendingAnswer is getPendingOrders' answer: {orders: [...]}.
func (s *SDK) pendingAnswer() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	orders := []any{}
	for _, o := range s.orders {
		if o.Status == Pending {
			orders = append(orders, map[string]any{"orderId": o.OrderID, "sku": o.SKU, "paymentCompletedDate": o.PaymentCompletedDate})
		}
	}
	return map[string]any{"orders": orders}
}

// ordersPage is getCompletedOrRefundedOrders' answer for key: keys are
// offsets into the finished orders, as strings; "" (or none) is the first
// page. ok is false for a key the fake never gave out.
func (s *SDK) ordersPage(key string) (page map[string]any, ok bool) {
	start := 0
	if key != "" {
		n, err := strconv.Atoi(key)
		if err != nil || n < 0 || strconv.Itoa(n) != key {
			return nil, false
		}
		start = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var finished []*Order
	for _, o := range s.orders {
		if o.Status == bridge.Completed || o.Status == bridge.Refunded {
			finished = append(finished, o)
		}
	}
	orders := []any{}
	for i := start; i < len(finished) && i < start+s.pageSize; i++ {
		o := finished[i]
		orders = append(orders, map[string]any{"orderId": o.OrderID, "sku": o.SKU, "status": string(o.Status), "date": o.Date})
	}
	var nextKey any // null on the last page
	hasNext := start+s.pageSize < len(finished)
	if hasNext {
		nextKey = strconv.Itoa(start + s.pageSize)
	}
	return map[string]any{"hasNext": hasNext, "nextKey": nextKey, "orders": orders}, true
}

// subscriptionAnswer is getSubscriptionInfo's answer for orderID,
// {subscription: {...}}; ok is false when the order is not a subscription.
func (s *SDK) subscriptionAnswer(orderID string) (answer map[string]any, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orderIndex[orderID]
	if o == nil || (o.Subscription == nil && o.SubscriptionID == "") {
		return nil, false
	}
	info := o.Subscription
	if info == nil {
		paidAt, err := time.Parse("2006-01-02T15:04:05", o.PaymentCompletedDate)
		if err != nil {
			paidAt = time.Now()
		}
		d := DefaultSubscription(paidAt)
		info = &d
	}
	optional := func(p *string) any {
		if p == nil {
			return nil
		}
		return *p
	}
	return map[string]any{"subscription": map[string]any{
		"catalogId": info.CatalogID, "status": info.Status, "expiresAt": optional(info.ExpiresAt),
		"isAutoRenew": info.IsAutoRenew, "gracePeriodExpiresAt": optional(info.GracePeriodExpiresAt),
		"isAccessible": info.IsAccessible,
	}}, true
}

// productsAnswer is getProductItemList's answer: {products: [...]}.
func (s *SDK) productsAnswer() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	products := []any{}
	for _, p := range s.products {
		item := map[string]any{
			"sku": p.SKU, "type": string(p.Type), "displayName": p.DisplayName,
			"displayAmount": p.DisplayAmount, "iconUrl": p.IconURL, "description": p.Description,
		}
		if p.RenewalCycle != "" {
			item["renewalCycle"] = p.RenewalCycle
		}
		if p.Offers != nil {
			offers := []any{}
			for _, o := range p.Offers {
				offer := map[string]any{"type": string(o.Type), "offerId": o.OfferID, "period": o.Period}
				if o.DisplayAmount != "" {
					offer["displayAmount"] = o.DisplayAmount
				}
				offers = append(offers, offer)
			}
			item["offers"] = offers
		}
		products = append(products, item)
	}
	return map[string]any{"products": products}
}
