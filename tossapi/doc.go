// Package tossapi is a Go client for the Apps in Toss partner API: order
// status for in-app purchases and Toss login. Every call goes over mutual TLS
// with the mini-app's client certificate, the partner's only credential.
//
// Answers are envelopes; a "FAIL" envelope is an error even on HTTP 200 and
// is reported as a *Error. Calls Toss could not answer now (network, 5xx,
// over the rate limit after bounded retries) match ErrUnavailable.
package tossapi
