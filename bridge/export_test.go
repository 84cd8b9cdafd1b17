package bridge

// The decoders are unexported; the external tests reach
// them through these names.
var (
	DecodeResult           = decodeResult
	DecodeProducts         = decodeProducts
	DecodePendingOrders    = decodePendingOrders
	DecodeOrdersPage       = decodeOrdersPage
	DecodeSubscriptionInfo = decodeSubscriptionInfo
	ErrorFromJS            = errorFromJS
)
