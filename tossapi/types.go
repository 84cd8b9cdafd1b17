package tossapi

import (
	"strconv"
	"time"
)

// UserKey identifies a Toss user within one mini-app. Toss sends it as a JSON
// number; it is kept as an exact integer and sent as its decimal digits.
type UserKey int64

// NoUser asks for an order without binding it to a user.
const NoUser UserKey = 0

// String returns the decimal digits sent in x-toss-user-key.
func (k UserKey) String() string { return strconv.FormatInt(int64(k), 10) }

// Status is an order's status as Toss reports it.
type Status string

// The statuses of get-order-status.
const (
	StatusPurchased        Status = "PURCHASED"
	StatusPaymentCompleted Status = "PAYMENT_COMPLETED"
	StatusFailed           Status = "FAILED"
	StatusRefunded         Status = "REFUNDED"
	StatusOrderInProgress  Status = "ORDER_IN_PROGRESS"
	StatusNotFound         Status = "NOT_FOUND"
	StatusMiniAppMismatch  Status = "MINIAPP_MISMATCH"
	StatusError            Status = "ERROR"
)

// Paid reports whether the store payment succeeded. Which of PURCHASED and
// PAYMENT_COMPLETED means "granted" flipped between doc versions; both mean
// paid, so both count.
func (s Status) Paid() bool { return s == StatusPurchased || s == StatusPaymentCompleted }

// OrderStatus is the success answer of get-order-status.
type OrderStatus struct {
	OrderID string
	SKU     string // may be empty for NOT_FOUND, MINIAPP_MISMATCH, ERROR
	Status  Status
	// StatusDeterminedAt is read as KST (+09:00): Toss sends no zone.
	StatusDeterminedAt time.Time
	Reason             string
}

// Token is the answer of generate-token and refresh-token.
type Token struct {
	TokenType    string
	AccessToken  string
	RefreshToken string
	ExpiresIn    time.Duration
	Scope        string
}

// User is the part of login-me this package keeps; the personal fields are
// encrypted and not needed to grant.
type User struct {
	UserKey     UserKey
	Scope       string
	AgreedTerms []string
}
