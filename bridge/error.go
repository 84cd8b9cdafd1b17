package bridge

import (
	"context"
	"errors"

	"github.com/goiap/goiap/internal/wasm"
)

// Error is a failed call: what kind (Code), what the app or the client said,
// and the order it concerns when one is known — an order id on an error
// means money may have moved, and the order is recoverable.
type Error struct {
	Code     Code
	Message  string
	OrderID  string         // "" when no order is known
	UserInfo map[string]any // the app's userInfo, nil when absent
	Err      error          // the cause, when there is one
}

func (e *Error) Error() string {
	s := "goiap: " + string(e.Code)
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.OrderID != "" {
		s += " (order " + e.OrderID + ")"
	}
	return s
}

// Unwrap gives the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, code) true for an *Error of that Code.
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	return ok && c == e.Code
}

// CodeOf is the Code of err: its *Error's code, ErrAborted for a cancelled
// or expired context, ErrUnknown for anything else, "" for nil.
func CodeOf(err error) Code {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return ErrAborted
	}
	return ErrUnknown
}

func newError(code Code, msg, orderID string, cause error) *Error {
	return &Error{Code: code, Message: msg, OrderID: orderID, Err: cause}
}

// errorFromJS reads an error from the app or the SDK, of any shape (an
// Error, a plain object, a string, nothing), as an *Error. orderID is the
// order the flow knows of; the error's userInfo.orderId wins over it.
// Unknown codes become ErrUnknown and keep the raw code in the message.
func errorFromJS(v wasm.Value, orderID string) *Error {
	je := wasm.ErrorFrom(v)
	e := &Error{Message: je.Message, OrderID: orderID, UserInfo: je.UserInfo, Err: je}
	if id, ok := je.UserInfo["orderId"].(string); ok && id != "" {
		e.OrderID = id
	}
	code := Code(je.Code)
	switch {
	case isSDKCode(code):
		e.Code = code
	case je.Code == "" && je.Shape == wasm.TypeString && isSDKCode(Code(je.Message)):
		// reject("USER_CANCELED") is seen in the wild.
		e.Code = Code(je.Message)
	default:
		e.Code = ErrUnknown
		if je.Code != "" && e.Message != "" {
			e.Message = je.Code + ": " + e.Message
		} else if je.Code != "" {
			e.Message = "the app reported unknown code " + je.Code
		}
	}
	switch {
	case e.Message != "":
	case e.Code == ErrUnknown:
		e.Message = "the app failed without a code (" + je.Shape.String() + ")"
	default:
		e.Message = "the app reported " + string(e.Code)
	}
	return e
}
