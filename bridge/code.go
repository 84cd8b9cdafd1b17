package bridge

//go:generate go run ../internal/jsgen ../web

// Code is the kind of a purchase failure, as a string the SDK and the JS
// side share. A Code is an error itself, so a failure matches it with
// errors.Is(err, bridge.ErrUserCanceled).
type Code string

func (c Code) Error() string { return string(c) }

// The SDK's codes, as the Toss app reports them.
const (
	ErrInvalidProductID             Code = "INVALID_PRODUCT_ID"
	ErrPaymentPending               Code = "PAYMENT_PENDING"
	ErrNetworkError                 Code = "NETWORK_ERROR"
	ErrInvalidUserEnvironment       Code = "INVALID_USER_ENVIRONMENT"
	ErrItemAlreadyOwned             Code = "ITEM_ALREADY_OWNED"
	ErrAppMarketVerificationFailed  Code = "APP_MARKET_VERIFICATION_FAILED"
	ErrTossServerVerificationFailed Code = "TOSS_SERVER_VERIFICATION_FAILED"
	ErrInternalError                Code = "INTERNAL_ERROR"
	ErrKoreanAccountOnly            Code = "KOREAN_ACCOUNT_ONLY"
	ErrUserCanceled                 Code = "USER_CANCELED"
	ErrProductNotGrantedByPartner   Code = "PRODUCT_NOT_GRANTED_BY_PARTNER"
)

// The client's own codes.
const (
	// ErrInvalidSKU: the SKU is not a string, empty, too long, or holds
	// whitespace or control characters. Nothing was sent to the app.
	ErrInvalidSKU Code = "INVALID_SKU"
	// ErrPurchaseInProgress: this client has a purchase in flight; no second
	// checkout was opened.
	ErrPurchaseInProgress Code = "PURCHASE_IN_PROGRESS"
	// ErrUnsupportedAppVersion: the Toss app is older than the call needs.
	ErrUnsupportedAppVersion Code = "UNSUPPORTED_APP_VERSION"
	// ErrSDKUnavailable: the SDK namespace lacks what the call needs.
	ErrSDKUnavailable Code = "SDK_UNAVAILABLE"
	// ErrAborted: the caller gave up (context cancelled, AbortSignal,
	// cleanup). A grant that had started still runs and is reported.
	ErrAborted Code = "ABORTED"
	// ErrClosed: the client was closed.
	ErrClosed Code = "CLOSED"
	// ErrInvalidResponse: the app answered with data of the wrong shape.
	ErrInvalidResponse Code = "INVALID_RESPONSE"
	// ErrUnknown: a failure that carried no known code.
	ErrUnknown Code = "UNKNOWN"
)

// codes lists every code, the SDK's eleven first.
var codes = [...]Code{
	ErrInvalidProductID, ErrPaymentPending, ErrNetworkError, ErrInvalidUserEnvironment,
	ErrItemAlreadyOwned, ErrAppMarketVerificationFailed, ErrTossServerVerificationFailed,
	ErrInternalError, ErrKoreanAccountOnly, ErrUserCanceled, ErrProductNotGrantedByPartner,
	ErrInvalidSKU, ErrPurchaseInProgress, ErrUnsupportedAppVersion, ErrSDKUnavailable,
	ErrAborted, ErrClosed, ErrInvalidResponse, ErrUnknown,
}

// Codes lists every code, the SDK's first.
func Codes() []Code { return append([]Code(nil), codes[:]...) } // a copy: callers may change it

// isSDKCode tells the codes the app may send; anything else becomes
// ErrUnknown.
func isSDKCode(c Code) bool {
	for _, sc := range codes[:11] {
		if c == sc {
			return true
		}
	}
	return false
}
