//go:build js && wasm

package bridgetest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/wasm"
)

// The fake reads its gates from the SDK independently of package bridge,
// so that a wrong minimum in either shows up here.
func TestGatesMatchBridge(t *testing.T) {
	min := func(g wasm.Value) bridge.MinVersion {
		return bridge.MinVersion{Android: g.Get("android").Str(), IOS: g.Get("ios").Str()}
	}
	assert.Equal(t, bridge.MinOneTimePurchase, min(gateOneTime))
	assert.Equal(t, bridge.MinGrantReport, min(gateGrantReport))
	assert.Equal(t, bridge.MinSubscription, min(gateSubscription))
	for name, want := range map[string]bridge.MinVersion{
		GetProductItemList:           bridge.MinProductList,
		GetPendingOrders:             bridge.MinPendingOrders,
		CompleteProductGrant:         bridge.MinCompleteProductGrant,
		GetCompletedOrRefundedOrders: bridge.MinCompletedOrRefundedOrders,
		GetSubscriptionInfo:          bridge.MinSubscription,
	} {
		assert.Equal(t, want, min(methods[name].gate), name)
	}
	assert.Len(t, methods, 5)
}
