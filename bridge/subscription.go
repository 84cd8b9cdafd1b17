//go:build js && wasm

package bridge

import (
	"context"
	"time"

	"github.com/goiap/goiap/internal/gates"
)

// SubscriptionGrantFunc grants a subscription order; subscriptionID is the
// app's id for the subscription ("" if the app sent none). The rules of
// GrantFunc apply.
type SubscriptionGrantFunc func(ctx context.Context, orderID, subscriptionID string) (bool, error)

// SubscriptionPurchaseOptions describe one subscription checkout.
type SubscriptionPurchaseOptions struct {
	SKU          string
	OfferID      string // "" for the base price
	Grant        SubscriptionGrantFunc
	GrantTimeout time.Duration
	OnSuccess    func(Result)
	OnError      func(*Error)
}

// CreateSubscriptionPurchaseOrder opens a subscription checkout
// (IAP.createSubscriptionPurchaseOrder) with the same guarantees as
// CreateOneTimePurchaseOrder: one purchase in flight per client, typed
// errors, the grant always answered true or false, and cleanup.
func (c *Client) CreateSubscriptionPurchaseOrder(o SubscriptionPurchaseOptions) (cleanup func(), err error) {
	var offer any // null, as the SDK sends it, when there is no offer
	if o.OfferID != "" {
		offer = o.OfferID
	}
	return c.start(flowSpec{
		method:  "createSubscriptionPurchaseOrder",
		min:     gates.Subscription,
		what:    "a subscription",
		sku:     o.SKU,
		extra:   map[string]any{"offerId": offer},
		grant:   o.Grant,
		timeout: o.GrantTimeout,
		success: o.OnSuccess,
		fail:    o.OnError,
	})
}

// Subscribe is CreateSubscriptionPurchaseOrder for a goroutine, as Purchase
// is for one-time purchases.
func (c *Client) Subscribe(ctx context.Context, sku, offerID string, grant SubscriptionGrantFunc) (Result, error) {
	return c.wait(ctx, func(success func(Result), fail func(*Error)) (func(), error) {
		return c.CreateSubscriptionPurchaseOrder(SubscriptionPurchaseOptions{SKU: sku, OfferID: offerID, Grant: grant, OnSuccess: success, OnError: fail})
	})
}
