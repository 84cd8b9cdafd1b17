package tossapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/goiap/goiap/tossapi/internal/mtls"
)

// DefaultBaseURL is the partner API of Apps in Toss.
const DefaultBaseURL = "https://apps-in-toss-api.toss.im"

// The paths of the calls this package makes, relative to the base URL.
const (
	PathOrderStatus   = "/api-partner/v1/apps-in-toss/order/get-order-status"
	PathGenerateToken = "/api-partner/v1/apps-in-toss/user/oauth2/generate-token"
	PathRefreshToken  = "/api-partner/v1/apps-in-toss/user/oauth2/refresh-token"
	PathLoginMe       = "/api-partner/v1/apps-in-toss/user/oauth2/login-me"
)

// Config configures a Client. Only CertFile and KeyFile are required.
type Config struct {
	BaseURL string // default DefaultBaseURL
	// CertFile and KeyFile are the PEM client certificate and key issued in
	// the Apps in Toss console. They are read again when they change, so a
	// rotated certificate is used without a restart.
	CertFile, KeyFile string
	// CAFile is an extra root CA (PEM) trusted besides the system roots, for
	// simulators and tests.
	CAFile string
	// Timeout bounds each attempt, default 10s. The context bounds the call.
	Timeout time.Duration
	// MaxAttempts is how many times a call is tried, default 3.
	MaxAttempts int
	// RequestsPerMinute is the client-side rate limit of this Client (a
	// token bucket with a burst of one second's worth), default 2400: Toss
	// allows 3,000 a minute per mini-app across all partner APIs, so
	// processes sharing a mini-app should share that budget between them.
	RequestsPerMinute int
	// MinBackoff is the first wait between attempts, default 100ms; it
	// doubles with each retry, with jitter, up to MaxBackoff (default 5s).
	// When Toss asks to wait longer than MaxBackoff, the call gives up at
	// once with an error carrying RetryAfter.
	MinBackoff, MaxBackoff time.Duration
	// Observe, when set, is told about every call once it has ended, all
	// its attempts included: for metrics and logs. It must not block.
	Observe func(Observation)
}

// Client calls the partner API. It is safe for concurrent use.
type Client struct {
	cfg       Config
	base      string
	http      *http.Client
	transport *http.Transport
	certs     *mtls.Reloader
	limit     *limiter
}

// New checks the configuration and loads the client certificate once.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("tossapi: base URL %q: want https://host", cfg.BaseURL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 3
	}
	if cfg.RequestsPerMinute <= 0 {
		cfg.RequestsPerMinute = 2400
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 100 * time.Millisecond
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 5 * time.Second
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = cfg.MinBackoff
	}
	t, certs, err := mtls.NewTransport(cfg.CertFile, cfg.KeyFile, cfg.CAFile)
	if err != nil {
		return nil, fmt.Errorf("tossapi: %w", err)
	}
	return &Client{
		cfg:       cfg,
		base:      strings.TrimSuffix(cfg.BaseURL, "/"),
		http:      &http.Client{Transport: t},
		transport: t,
		certs:     certs,
		limit:     newLimiter(cfg.RequestsPerMinute, time.Now),
	}, nil
}

// Close closes idle connections.
func (c *Client) Close() { c.transport.CloseIdleConnections() }

// retryPolicy says which failures of a call may be tried again.
type retryPolicy int

const (
	// retryUnavailable retries whatever matches ErrUnavailable: for calls
	// that read state (order status, login-me).
	retryUnavailable retryPolicy = iota
	// retryUnsent retries only failures before any of the request was
	// written: for calls that spend a single-use value (authorization codes
	// and, to be safe, refresh tokens), where a request Toss may have
	// processed must not be sent twice.
	retryUnsent
)

type call struct {
	op     string
	method string
	path   string
	body   any // JSON, nil for none
	header http.Header
	login  bool
	retry  retryPolicy
}

// transportError is a failure to get an answer at all.
type transportError struct {
	op   string
	sent bool
	err  error
}

func (e *transportError) Error() string {
	return fmt.Sprintf("tossapi: %s: %v", e.op, e.err)
}
func (e *transportError) Unwrap() []error { return []error{ErrUnavailable, e.err} }

// do runs a call with the limiter, retries and backoff, and decodes the
// success payload of the envelope into out.
func (c *Client) do(ctx context.Context, cl call, out any) error {
	if c.cfg.Observe == nil {
		return c.try(ctx, cl, out)
	}
	start := time.Now()
	err := c.try(ctx, cl, out)
	c.cfg.Observe(Observation{Path: cl.path, Outcome: outcomeOf(ctx, err), Duration: time.Since(start)})
	return err
}

// try makes a call's attempts.
func (c *Client) try(ctx context.Context, cl call, out any) error {
	var body []byte
	if cl.body != nil {
		var err error
		if body, err = json.Marshal(cl.body); err != nil {
			return fmt.Errorf("tossapi: %s: %w", cl.op, err)
		}
	}
	var last error
	for attempt := 1; ; attempt++ {
		if c.certs.Changed() {
			// New handshakes present the new certificate; kept-alive
			// connections would go on with the old one.
			c.transport.CloseIdleConnections()
		}
		if err := c.limit.wait(ctx); err != nil {
			return stopped(cl.op, err, last)
		}
		err := c.attempt(ctx, cl, body, out)
		if err == nil {
			return nil
		}
		last = err
		if ctx.Err() != nil {
			return stopped(cl.op, ctx.Err(), err)
		}
		if attempt >= c.cfg.MaxAttempts || !retryable(cl.retry, err) {
			return err
		}
		wait, ok := c.backoff(attempt, err)
		if !ok {
			return err
		}
		if deadline, has := ctx.Deadline(); has && time.Until(deadline) < wait {
			return err // the context would end first: answer now
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return stopped(cl.op, ctx.Err(), err)
		}
	}
}

// stopped is the error of a call its context ended: it matches the
// context's error and the last failure, if any.
func stopped(op string, ctxErr, last error) error {
	if last == nil {
		return fmt.Errorf("tossapi: %s: %w: %w", op, ErrUnavailable, ctxErr)
	}
	return fmt.Errorf("tossapi: %s: %w after %w", op, ctxErr, last)
}

func retryable(p retryPolicy, err error) bool {
	var te *transportError
	if errors.As(err, &te) {
		return p == retryUnavailable || !te.sent
	}
	return p == retryUnavailable && errors.Is(err, ErrUnavailable)
}

// backoff is the wait before attempt+1: exponential with jitter, at least
// what Toss asked for. ok is false when Toss asked for more than MaxBackoff.
func (c *Client) backoff(attempt int, err error) (wait time.Duration, ok bool) {
	d := c.cfg.MinBackoff << (attempt - 1)
	if d > c.cfg.MaxBackoff || d <= 0 {
		d = c.cfg.MaxBackoff
	}
	d = d/2 + rand.N(d/2+1)
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		if e.RetryAfter > c.cfg.MaxBackoff {
			return 0, false
		}
		d = e.RetryAfter + rand.N(c.cfg.MinBackoff)
	}
	return d, true
}

// maxAnswer bounds how much of an answer is read.
const maxAnswer = 1 << 20

func (c *Client) attempt(ctx context.Context, cl call, body []byte, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var sent atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteHeaders: func() { sent.Store(true) },
	})
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, c.base+cl.path, rd)
	if err != nil {
		return fmt.Errorf("tossapi: %s: %w", cl.op, err)
	}
	for k, v := range cl.header {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return &transportError{op: cl.op, sent: sent.Load(), err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return &transportError{op: cl.op, sent: true, err: err}
	}
	return decodeAnswer(cl, resp, data, out)
}

// envelope is every answer of the partner API; login calls may instead
// answer OAuth-style, with "error" a string.
type envelope struct {
	ResultType       string          `json:"resultType"`
	Success          json.RawMessage `json:"success"`
	Error            json.RawMessage `json:"error"`
	ErrorDescription string          `json:"error_description"`
}

type envelopeError struct {
	ErrorCode json.RawMessage `json:"errorCode"` // a string, or a number such as 4095
	Reason    string          `json:"reason"`
	Data      struct {
		RetryAfterSeconds json.RawMessage `json:"retryAfterSeconds"`
	} `json:"data"`
}

// decodeAnswer checks the envelope before anything else: only resultType
// SUCCESS on a 2xx status is a success.
func decodeAnswer(cl call, resp *http.Response, data []byte, out any) error {
	e := &Error{HTTPStatus: resp.StatusCode, op: cl.op, login: cl.login,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"))}
	ok2xx := resp.StatusCode >= 200 && resp.StatusCode < 300
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		if ok2xx {
			e.Code, e.Reason = codeBadAnswer, "not a JSON envelope"
		} else {
			e.Reason = snippet(data)
		}
		return e
	}
	switch {
	case env.ResultType == "SUCCESS" && ok2xx:
		if out == nil {
			return nil
		}
		if len(env.Success) == 0 || string(env.Success) == "null" {
			e.Code, e.Reason = codeBadAnswer, "SUCCESS without a success payload"
			return e
		}
		if err := json.Unmarshal(env.Success, out); err != nil {
			e.Code, e.Reason = codeBadAnswer, err.Error()
			return e
		}
		return nil
	case env.ResultType == "SUCCESS":
		e.Reason = "SUCCESS envelope on an error status"
		return e
	case env.ResultType != "":
		e.Code = env.ResultType
		var ee envelopeError
		if len(env.Error) > 0 && json.Unmarshal(env.Error, &ee) == nil {
			if code := rawString(ee.ErrorCode); code != "" {
				e.Code = code
			}
			e.Reason = ee.Reason
			if s, err := strconv.ParseFloat(rawString(ee.Data.RetryAfterSeconds), 64); err == nil && s > 0 {
				e.RetryAfter = time.Duration(s * float64(time.Second))
			}
		}
		return e
	}
	var oauth string
	if len(env.Error) > 0 && json.Unmarshal(env.Error, &oauth) == nil && oauth != "" {
		e.Code, e.Reason = oauth, env.ErrorDescription
		return e
	}
	if ok2xx {
		e.Code, e.Reason = codeBadAnswer, "no resultType"
	} else {
		e.Reason = snippet(data)
	}
	return e
}

// rawString is a JSON string's value or a JSON number's digits.
func rawString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

func parseRetryAfter(h string) time.Duration {
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil {
		if s > 0 {
			return time.Duration(s) * time.Second
		}
		return 0
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
