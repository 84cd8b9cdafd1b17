// Package tossapitest is a fake Apps in Toss partner API for tests, the way
// net/http/httptest is for HTTP: a TLS server on loopback with its own CA
// that requires a client certificate signed by that CA, so code under test
// speaks real mutual TLS with a tossapi.Client.
//
// The fake keeps users, login codes (single use, ten minutes), access and
// refresh tokens, and orders with their statuses, bound to their user as
// Toss binds them: asked with another user's x-toss-user-key, an order is
// NOT_FOUND. Faults (latency, 5xx, the rate limit, FAIL envelopes, dropped
// connections) can be injected for the next N calls or until cleared.
//
// Other processes drive it through a control API under /sim/v1/ on the same
// listener (see Remote); cmd/tosssim runs it as its own process.
package tossapitest
