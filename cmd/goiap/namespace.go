//go:build js && wasm

package main

import (
	"context"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/internal/wasm"
)

// The JS-facing forms of the rest of the IAP namespace: each decodes its
// arguments, calls the bridge, and turns the answer into plain JS data.

func skuArg(v wasm.Value) (string, error) {
	if t := v.Type(); t != wasm.TypeString {
		return "", &bridge.Error{Code: bridge.ErrInvalidSKU, Message: "the SKU must be a string, got " + t.String()}
	}
	return v.Str(), nil
}

// optString reads an optional string argument: undefined and null are "".
func optString(v wasm.Value, what string) (string, error) {
	t := v.Type()
	switch t {
	case wasm.TypeUndefined, wasm.TypeNull:
		return "", nil
	case wasm.TypeString:
		return v.Str(), nil
	}
	return "", &bridge.Error{Code: bridge.ErrInvalidResponse, Message: what + " must be a string, got " + t.String()}
}

// subscribe(callId, sku, offerId) → the purchase result; the grant body
// carries subscriptionId.
func (a *app) subscribe(ctx context.Context, args []safejs.Value) (any, error) {
	sku, err := skuArg(wasm.Arg(args, 0))
	if err != nil {
		return nil, err
	}
	offer, err := optString(wasm.Arg(args, 1), "offerId")
	if err != nil {
		return nil, err
	}
	res, err := a.client.Subscribe(ctx, sku, offer, func(ctx context.Context, orderID, subscriptionID string) (bool, error) {
		return a.grants.grant(ctx, orderID, sku, subscriptionID)
	})
	if err != nil {
		return nil, err
	}
	return resultValue(res), nil
}

func (a *app) products(ctx context.Context, _ []safejs.Value) (any, error) {
	ps, err := a.client.Products(ctx)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if ps[i].Type == bridge.Subscription && ps[i].Offers == nil {
			ps[i].Offers = []bridge.Offer{} // JS always gets a subscription's list
		}
	}
	return wire(ps), nil
}

func (a *app) pendingOrders(ctx context.Context, _ []safejs.Value) (any, error) {
	return wired(a.client.PendingOrders(ctx))
}

// recover(callId) grants every pending order through the grant endpoint.
func (a *app) recover(ctx context.Context, _ []safejs.Value) (any, error) {
	return wired(a.client.Recover(ctx, func(ctx context.Context, o bridge.PendingOrder) (bool, error) {
		return a.grants.grant(ctx, o.OrderID, o.SKU, "")
	}))
}

func (a *app) orders(ctx context.Context, args []safejs.Value) (any, error) {
	key, err := optString(wasm.Arg(args, 0), "key")
	if err != nil {
		return nil, err
	}
	return wired(a.client.Orders(ctx, key))
}

func (a *app) subscriptionInfo(ctx context.Context, args []safejs.Value) (any, error) {
	orderID, err := optString(wasm.Arg(args, 0), "orderId")
	if err != nil {
		return nil, err
	}
	return wired(a.client.SubscriptionInfo(ctx, orderID))
}
