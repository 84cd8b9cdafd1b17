//go:build js && wasm

package bridge

import (
	"context"
	"iter"

	"github.com/goiap/goiap/internal/gates"
	"github.com/goiap/goiap/internal/wasm"
)

// Products lists what can be bought (getProductItemList).
func (c *Client) Products(ctx context.Context) ([]Product, error) {
	return callDecode(ctx, c, "getProductItemList", gates.ProductList, "", decodeProducts)
}

// PendingOrders lists orders paid for and not yet reported granted
// (getPendingOrders). Recover grants them.
func (c *Client) PendingOrders(ctx context.Context) ([]PendingOrder, error) {
	return callDecode(ctx, c, "getPendingOrders", gates.PendingOrders, "", decodePendingOrders)
}

// CompleteProductGrant tells the app an order was granted, which takes it
// off the pending list (completeProductGrant). Recover calls it for you.
func (c *Client) CompleteProductGrant(ctx context.Context, orderID string) error {
	if orderID == "" {
		return newError(ErrInvalidResponse, "no order id to complete", "", nil)
	}
	v, err := c.call(ctx, "completeProductGrant", gates.CompleteProductGrant, map[string]any{"params": map[string]any{"orderId": orderID}})
	if err != nil {
		err.OrderID = orderID
		return err
	}
	// The SDK types the answer boolean; an explicit false is a refusal.
	if v.Type() == wasm.TypeBoolean && !v.Bool() {
		return newError(ErrInternalError, "the app refused to complete the grant", orderID, nil)
	}
	return nil
}

// Orders reads one page of completed and refunded orders
// (getCompletedOrRefundedOrders); key is "" for the first page, then the
// previous page's NextKey.
func (c *Client) Orders(ctx context.Context, key string) (OrdersPage, error) {
	var args []any
	if key != "" {
		args = append(args, map[string]any{"key": key})
	}
	return callDecode(ctx, c, "getCompletedOrRefundedOrders", gates.CompletedOrRefundedOrders, "", decodeOrdersPage, args...)
}

// AllOrders iterates over every completed or refunded order, following
// NextKey page by page. It stops after yielding an error, and if a page
// repeats a key already seen (an app that loops would never end).
func (c *Client) AllOrders(ctx context.Context) iter.Seq2[Order, error] {
	return func(yield func(Order, error) bool) {
		seen := map[string]bool{}
		key := ""
		for {
			page, err := c.Orders(ctx, key)
			if err != nil {
				yield(Order{}, err)
				return
			}
			for _, o := range page.Orders {
				if !yield(o, nil) {
					return
				}
			}
			if !page.HasNext {
				return
			}
			if seen[page.NextKey] {
				yield(Order{}, newError(ErrInvalidResponse, "the app sent page key "+page.NextKey+" twice", "", nil))
				return
			}
			seen[page.NextKey] = true
			key = page.NextKey
		}
	}
}

// SubscriptionInfo reads the state of a subscription order
// (getSubscriptionInfo). The SDK documents no minimum version for it; the
// subscription minimum is enforced.
func (c *Client) SubscriptionInfo(ctx context.Context, orderID string) (SubscriptionInfo, error) {
	if orderID == "" {
		return SubscriptionInfo{}, newError(ErrInvalidResponse, "no order id given", "", nil)
	}
	params := map[string]any{"params": map[string]any{"orderId": orderID}}
	return callDecode(ctx, c, "getSubscriptionInfo", gates.Subscription, orderID, decodeSubscriptionInfo, params)
}
