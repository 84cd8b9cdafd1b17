//go:build js && wasm

package bridgetest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/goiap/goiap/internal/gates"
	"github.com/goiap/goiap/internal/wasm"
)

// The fake reads its gates from the SDK independently of package bridge,
// so that a wrong minimum in either shows up here.
func TestGatesMatchBridge(t *testing.T) {
	min := func(g wasm.Value) gates.MinVersion {
		return gates.MinVersion{Android: g.Get("android").Str(), IOS: g.Get("ios").Str()}
	}
	assert.Equal(t, gates.OneTimePurchase, min(gateOneTime))
	assert.Equal(t, gates.GrantReport, min(gateGrantReport))
	assert.Equal(t, gates.Subscription, min(gateSubscription))
	for name, want := range map[string]gates.MinVersion{
		GetProductItemList:           gates.ProductList,
		GetPendingOrders:             gates.PendingOrders,
		CompleteProductGrant:         gates.CompleteProductGrant,
		GetCompletedOrRefundedOrders: gates.CompletedOrRefundedOrders,
		GetSubscriptionInfo:          gates.Subscription,
	} {
		assert.Equal(t, want, min(methods[name].gate), name)
	}
	assert.Len(t, methods, 5)
}
