package tossapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/internal/mtls"
)

// LoginCode is what appLogin() gives the page, plus the user it logs in.
type LoginCode struct {
	AuthorizationCode string          `json:"authorizationCode"`
	Referrer          string          `json:"referrer"`
	UserKey           tossapi.UserKey `json:"userKey"`
}

// Remote drives a fake in another process (cmd/tosssim) through its control
// API, over mutual TLS with the same configuration as the partner API client.
type Remote struct {
	base string
	http *http.Client
}

// NewRemote makes a control API client from a tossapi configuration (BaseURL,
// CertFile, KeyFile, CAFile).
func NewRemote(cfg tossapi.Config) (*Remote, error) {
	if cfg.BaseURL == "" {
		return nil, fmt.Errorf("tossapitest: remote: BaseURL is required")
	}
	t, _, err := mtls.NewTransport(cfg.CertFile, cfg.KeyFile, cfg.CAFile)
	if err != nil {
		return nil, fmt.Errorf("tossapitest: remote: %w", err)
	}
	return &Remote{base: strings.TrimSuffix(cfg.BaseURL, "/"), http: &http.Client{Transport: t}}, nil
}

// AddUser adds a user with a new key.
func (r *Remote) AddUser(ctx context.Context) (tossapi.UserKey, error) {
	var out struct {
		UserKey tossapi.UserKey `json:"userKey"`
	}
	err := r.do(ctx, http.MethodPost, "/sim/v1/users", struct{}{}, &out)
	return out.UserKey, err
}

// NewLoginCode makes a login code for the user; NoUser makes a new user.
func (r *Remote) NewLoginCode(ctx context.Context, user tossapi.UserKey) (LoginCode, error) {
	var out LoginCode
	err := r.do(ctx, http.MethodPost, "/sim/v1/login-codes", map[string]tossapi.UserKey{"userKey": user}, &out)
	return out, err
}

// AddOrder registers a paid order (PAYMENT_COMPLETED) and returns its id.
func (r *Remote) AddOrder(ctx context.Context, user tossapi.UserKey, sku string) (string, error) {
	var out struct {
		OrderID string `json:"orderId"`
	}
	err := r.do(ctx, http.MethodPost, "/sim/v1/orders", map[string]any{"userKey": user, "sku": sku}, &out)
	return out.OrderID, err
}

// SetStatus changes an order's status.
func (r *Remote) SetStatus(ctx context.Context, orderID string, st tossapi.Status) error {
	return r.do(ctx, http.MethodPost, "/sim/v1/orders/"+url.PathEscape(orderID)+"/status", map[string]tossapi.Status{"status": st}, nil)
}

// Refund refunds an order.
func (r *Remote) Refund(ctx context.Context, orderID string) error {
	return r.do(ctx, http.MethodPost, "/sim/v1/orders/"+url.PathEscape(orderID)+"/refund", struct{}{}, nil)
}

// Inject adds a fault.
func (r *Remote) Inject(ctx context.Context, f Fault) error {
	return r.do(ctx, http.MethodPost, "/sim/v1/faults", f, nil)
}

// ClearFaults removes every fault.
func (r *Remote) ClearFaults(ctx context.Context) error {
	return r.do(ctx, http.MethodDelete, "/sim/v1/faults", nil, nil)
}

// Calls counts the requests to a partner API path so far.
func (r *Remote) Calls(ctx context.Context, path string) (int, error) {
	var out struct {
		Calls int `json:"calls"`
	}
	err := r.do(ctx, http.MethodGet, "/sim/v1/calls?path="+url.QueryEscape(path), nil, &out)
	return out.Calls, err
}

// Close closes idle connections.
func (r *Remote) Close() { r.http.CloseIdleConnections() }

func (r *Remote) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := r.http.Do(req)
	if err != nil {
		return fmt.Errorf("tossapitest: remote %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("tossapitest: remote %s %s: %w", method, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Code, Message string }
		_ = json.Unmarshal(data, &e)
		return fmt.Errorf("tossapitest: remote %s %s: HTTP %d %s: %s", method, path, resp.StatusCode, e.Code, e.Message)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("tossapitest: remote %s %s: %w", method, path, err)
		}
	}
	return nil
}
