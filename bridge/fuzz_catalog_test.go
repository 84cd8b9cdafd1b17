package bridge_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/internal/wasm"
)

// decodeFailed checks the contract every decoder keeps on bad input: a
// *wasm.DecodeError rooted at "result", and no partial value.
func decodeFailed(t *testing.T, err error, isZero bool) {
	t.Helper()
	var de *wasm.DecodeError
	if !errors.As(err, &de) || !strings.HasPrefix(de.Path, "result") {
		t.Fatalf("error %v is not a DecodeError under result", err)
	}
	if !isZero {
		t.Fatal("a partial value came with the error")
	}
}

func FuzzDecodeProducts(f *testing.F) {
	f.Add([]byte(`{"products":[{"sku":"a","type":"CONSUMABLE","displayName":"A","displayAmount":"1원","iconUrl":"u","description":"d"},` +
		`{"sku":"s","type":"SUBSCRIPTION","displayName":"S","displayAmount":"2원","iconUrl":"u","description":"d","renewalCycle":"MONTHLY",` +
		`"offers":[{"type":"FREE_TRIAL","offerId":"t","period":"P7D"},{"type":"RETURNING","offerId":"r","period":"P1M","displayAmount":"1원"}]}]}`))
	f.Add([]byte(`{"products":[{"sku":"x","type":"BUNDLE"}]}`))
	f.Add([]byte(`{"products":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v := valueOf(data)
		ps, err := bridge.DecodeProducts(v)
		if err != nil {
			decodeFailed(t, err, ps == nil)
			return
		}
		if len(ps) != v.Get("products").Len() {
			t.Fatalf("%d products from %d items", len(ps), v.Get("products").Len())
		}
		for _, p := range ps {
			if p.SKU == "" || !slices.Contains([]bridge.ProductType{bridge.Consumable, bridge.NonConsumable, bridge.Subscription}, p.Type) {
				t.Fatalf("product %+v", p)
			}
			if p.Type != bridge.Subscription && (p.RenewalCycle != "" || p.Offers != nil) {
				t.Fatalf("a %s with subscription fields: %+v", p.Type, p)
			}
			for _, o := range p.Offers {
				if o.OfferID == "" || !slices.Contains([]bridge.OfferType{bridge.FreeTrial, bridge.NewSubscription, bridge.Returning}, o.Type) {
					t.Fatalf("offer %+v", o)
				}
			}
		}
	})
}

func FuzzDecodePendingOrders(f *testing.F) {
	f.Add([]byte(`{"orders":[{"orderId":"o-1","sku":"a","paymentCompletedDate":"2026-11-25T10:00:00","store":"SIM"}]}`))
	f.Add([]byte(`{"orders":[{"orderId":""}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v := valueOf(data)
		os, err := bridge.DecodePendingOrders(v)
		if err != nil {
			decodeFailed(t, err, os == nil)
			return
		}
		for i, o := range os {
			if o.OrderID == "" || o.OrderID != v.Get("orders").Index(i).Get("orderId").Str() {
				t.Fatalf("order %d: %+v", i, o)
			}
		}
	})
}

func FuzzDecodeOrdersPage(f *testing.F) {
	f.Add([]byte(`{"hasNext":true,"nextKey":"2","orders":[{"orderId":"o-1","sku":"a","status":"COMPLETED","date":"2026-11-25T10:00:00"}]}`))
	f.Add([]byte(`{"hasNext":false,"orders":[{"orderId":"o-2","sku":"a","status":"REFUNDED","date":"d"}]}`))
	f.Add([]byte(`{"hasNext":true,"nextKey":null,"orders":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v := valueOf(data)
		page, err := bridge.DecodeOrdersPage(v)
		if err != nil {
			decodeFailed(t, err, page.Orders == nil && !page.HasNext && page.NextKey == "")
			return
		}
		if page.HasNext && page.NextKey == "" {
			t.Fatal("hasNext without a key")
		}
		for _, o := range page.Orders {
			if o.OrderID == "" || (o.Status != bridge.Completed && o.Status != bridge.Refunded) {
				t.Fatalf("order %+v", o)
			}
		}
	})
}

func FuzzDecodeSubscriptionInfo(f *testing.F) {
	f.Add([]byte(`{"subscription":{"catalogId":1001,"status":"ACTIVE","expiresAt":"2026-12-25T00:00:00","isAutoRenew":true,"gracePeriodExpiresAt":null,"isAccessible":true}}`))
	f.Add([]byte(`{"subscription":{"catalogId":1.5}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v := valueOf(data)
		info, err := bridge.DecodeSubscriptionInfo(v)
		if err != nil {
			decodeFailed(t, err, info == (bridge.SubscriptionInfo{}))
			return
		}
		if info.Status == "" || float64(info.CatalogID) != v.Get("subscription").Get("catalogId").Num() {
			t.Fatalf("info %+v", info)
		}
	})
}
