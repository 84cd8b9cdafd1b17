// Package gates holds the oldest Toss app each IAP call works on, shared by
// the client (bridge) and the checks of its test kit (bridgetest).
package gates

// MinVersion is the oldest Toss app a call works on, per platform. The SDK
// checks these itself with isMinVersionSupported, and an app in the
// "sandbox" environment passes every gate.
type MinVersion struct {
	Android string
	IOS     string
}

func (m MinVersion) String() string { return "android " + m.Android + " / ios " + m.IOS }

// The gates, read from @apps-in-toss/web-bridge 2.10.8 (src/iap.ts and the
// doc comments of each IAP call).
var (
	// Below this the SDK's createOneTimePurchaseOrder returns a no-op and
	// posts nothing: the purchase silently never happens.
	OneTimePurchase = MinVersion{Android: "5.219.0", IOS: "5.219.0"}
	// Below this the SDK takes the legacy path, which reports success
	// whatever the grant answered.
	GrantReport               = MinVersion{Android: "5.231.1", IOS: "5.230.0"}
	ProductList               = MinVersion{Android: "5.219.0", IOS: "5.219.0"}
	PendingOrders             = MinVersion{Android: "5.234.0", IOS: "5.231.0"}
	CompleteProductGrant      = MinVersion{Android: "5.233.0", IOS: "5.233.0"}
	CompletedOrRefundedOrders = MinVersion{Android: "5.231.0", IOS: "5.231.0"}
	Subscription              = MinVersion{Android: "5.248.0", IOS: "5.249.0"}
)
