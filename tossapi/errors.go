package tossapi

import (
	"errors"
	"fmt"
	"time"
)

// ErrUnavailable matches (errors.Is) every error that means "Toss could not
// answer now, ask again later": network failures, timeouts, HTTP 5xx, the
// rate limit still exceeded after the retries, and FAIL envelopes whose code
// is one of Toss's transport codes (HTTP_TIMEOUT, NETWORK_ERROR,
// EXECUTION_FAIL, INTERRUPTED, INTERNAL_ERROR).
var ErrUnavailable = errors.New("tossapi: Toss is unavailable")

// ErrInvalidGrant matches (errors.Is) a login call that Toss refused: an
// authorization code expired or used already, a refresh or access token that
// is no longer valid. Toss says so either OAuth-style ({"error":
// "invalid_grant"}, HTTP 400) or with a FAIL envelope; both match.
var ErrInvalidGrant = errors.New("tossapi: login code or token refused")

// Error is an answer of Toss that is not a success: a FAIL envelope (even on
// HTTP 200), an OAuth-style error, or an HTTP error status.
type Error struct {
	HTTPStatus int
	// Code is the envelope's errorCode (or its resultType when it has none),
	// the OAuth "error", or empty for a bare HTTP error.
	Code   string
	Reason string
	// RetryAfter is how long Toss asked to wait (retryAfterSeconds or the
	// Retry-After header), zero when it did not say.
	RetryAfter time.Duration

	op    string // the call, for the message
	login bool   // a login call: refusals mean ErrInvalidGrant
}

// CodeOverLimit is the errorCode of the rate limit answer (reported by third
// parties; unconfirmed by official docs).
const CodeOverLimit = "4095"

// transientCodes are the envelope codes that mean Toss could not answer now.
var transientCodes = map[string]bool{
	"HTTP_TIMEOUT":   true,
	"NETWORK_ERROR":  true,
	"EXECUTION_FAIL": true,
	"INTERRUPTED":    true,
	"INTERNAL_ERROR": true,
	CodeOverLimit:    true,
	codeBadAnswer:    true,
}

// codeBadAnswer marks an answer this package could not read (say, an HTML
// page from a proxy): treated as unavailable.
const codeBadAnswer = "INVALID_RESPONSE"

func (e *Error) Error() string {
	msg := "tossapi: " + e.op + ":"
	if e.Code != "" {
		msg += " " + e.Code
	}
	msg += fmt.Sprintf(" (HTTP %d)", e.HTTPStatus)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// unavailable reports whether asking again later may succeed.
func (e *Error) unavailable() bool {
	return e.HTTPStatus >= 500 || e.HTTPStatus == 429 || transientCodes[e.Code]
}

// Is makes errors.Is(err, ErrUnavailable) and errors.Is(err, ErrInvalidGrant)
// work on a *Error.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrUnavailable:
		return e.unavailable()
	case ErrInvalidGrant:
		if e.Code == "invalid_grant" {
			return true
		}
		if !e.login || e.unavailable() {
			return false
		}
		// A refusal says so: a FAIL envelope or OAuth error, or a bare
		// 400/401/403. A bare 404 or 415 is a configuration error instead.
		switch e.HTTPStatus {
		case 400, 401, 403:
			return true
		}
		return e.Code != ""
	}
	return false
}

// Unwrap returns the sentinel the error matches, if any, so that code
// unwrapping by hand sees it too.
func (e *Error) Unwrap() error {
	switch {
	case e.Is(ErrUnavailable):
		return ErrUnavailable
	case e.Is(ErrInvalidGrant):
		return ErrInvalidGrant
	}
	return nil
}
