package tossapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Observation is one call that has ended, for Config.Observe.
type Observation struct {
	Path     string        // PathOrderStatus, PathGenerateToken, ...
	Outcome  string        // one of the Outcome constants
	Duration time.Duration // every attempt and wait between them
}

// The outcomes of a call, few and fixed so that they can label metrics.
const (
	OutcomeOK          = "ok"          // a success answer
	OutcomeUnavailable = "unavailable" // matches ErrUnavailable
	OutcomeRefused     = "refused"     // Toss answered with an error (ErrInvalidGrant among them)
	OutcomeCanceled    = "canceled"    // the caller's context ended first
	OutcomeError       = "error"       // anything else: a request that could not be made
)

// outcomeOf sorts a call's error; ctx is the caller's (an attempt's own
// timeout is Toss being unavailable, not a cancellation).
func outcomeOf(ctx context.Context, err error) string {
	var te *Error
	switch {
	case err == nil:
		return OutcomeOK
	case ctx.Err() != nil:
		return OutcomeCanceled
	case errors.Is(err, ErrUnavailable):
		return OutcomeUnavailable
	case errors.As(err, &te):
		return OutcomeRefused
	default:
		return OutcomeError
	}
}

// Ping checks that Toss can be reached with this client's certificate: one
// GET of the base URL, outside the rate limit and without retries. Any
// HTTP answer will do (Toss serves nothing there); what counts is that the
// mutual TLS handshake and a round trip succeeded. A failure matches
// ErrUnavailable. Meant for readiness checks, at most every few seconds.
func (c *Client) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/", nil)
	if err != nil {
		return fmt.Errorf("tossapi: ping: %w", err)
	}
	if c.certs.Changed() {
		c.transport.CloseIdleConnections()
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return &transportError{op: "ping", sent: true, err: err}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
	return resp.Body.Close()
}
