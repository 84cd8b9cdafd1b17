// Package tossapi is a Go client for the Apps in Toss partner API: order
// status for in-app purchases and Toss login. Every call goes over mutual TLS
// with the mini-app's client certificate, the partner's only credential; the
// certificate files are read again when they change, so a rotated
// certificate is used without a restart.
//
// Answers are envelopes, checked before anything else: a "FAIL" envelope is
// an error even on HTTP 200 and is reported as a *Error, as are OAuth-style
// errors and HTTP error statuses. Two sentinels sort them for errors.Is:
// ErrUnavailable (Toss could not answer now: network, timeouts, 5xx, the
// rate limit, Toss's transport error codes) and ErrInvalidGrant (a login code
// or token refused).
//
// Retries: GetOrderStatus and LoginMe only read, so they are tried again, up
// to Config.MaxAttempts, after failures that match ErrUnavailable, with
// exponential backoff and jitter that waits at least what Toss asks for
// (error.data.retryAfterSeconds of the over-limit answer, errorCode 4095, or
// a Retry-After header) and never past the context's deadline. A wait longer
// than Config.MaxBackoff is not waited: the call fails at once with the
// *Error's RetryAfter set, for the caller to pass on. GenerateToken spends a
// single-use authorization code, and RefreshToken may spend its refresh
// token, so they are tried again only when the connection failed before any
// of the request was written; otherwise the page asks appLogin() for a new
// code. A token bucket keeps the client under Config.RequestsPerMinute.
package tossapi
