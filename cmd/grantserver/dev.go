//go:build !js && !wasip1

// The dev endpoints (-dev only): the page's simulated Toss app reaches the
// Toss API simulator through them (login codes, paid orders, refunds), and
// tests and the sandbox panel run a refund sweep on demand. They exist so
// the demo needs no phone; none of them exists without -dev.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"regexp"
	"time"

	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

// devBodyLimit bounds every dev request body.
const devBodyLimit = 4 << 10

// simTimeout bounds one call to the simulator.
const simTimeout = 10 * time.Second

// sweepResult is what one refund sweep did.
type sweepResult struct {
	Revoked int64 `json:"revoked"` // orders revoked during the pass
}

// devAPI serves /api/dev/*.
type devAPI struct {
	sim   *tossapitest.Remote
	sweep func(context.Context) (sweepResult, error)
	fail  *failSwitch
	log   *log.Logger
}

func (d *devAPI) routes(mux *http.ServeMux) {
	mux.HandleFunc("/api/dev/toss/login-code", allowMethods(sameOriginJSON(d.loginCode), http.MethodPost))
	mux.HandleFunc("/api/dev/toss/orders", allowMethods(sameOriginJSON(d.addOrder), http.MethodPost))
	mux.HandleFunc("/api/dev/toss/orders/{orderId}/refund", allowMethods(sameOriginJSON(d.refund), http.MethodPost))
	mux.HandleFunc("/api/dev/sweep", allowMethods(sameOriginJSON(d.runSweep), http.MethodPost))
	mux.HandleFunc("/api/dev/fail-grants", allowMethods(sameOriginJSON(d.fail.serve), http.MethodGet, http.MethodPost))
	mux.HandleFunc("/api/dev/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such dev endpoint")
	})
}

// loginCode: {"userKey"?: N} → a login code for that user (none or 0: a
// new user), as appLogin() would give it: {authorizationCode, referrer, userKey}.
func (d *devAPI) loginCode(w http.ResponseWriter, r *http.Request) {
	var in struct {
		UserKey tossapi.UserKey `json:"userKey"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.UserKey < 0 {
		writeError(w, http.StatusBadRequest, "invalid_body", "userKey must be a positive integer")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), simTimeout)
	defer cancel()
	code, err := d.sim.NewLoginCode(ctx, in.UserKey)
	if err != nil {
		d.simFailed(w, "login code", err)
		return
	}
	writeJSON(w, http.StatusOK, code)
}

var skuPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$`)

// addOrder: {"userKey": N, "sku": "…"} → {"orderId"}: the user paid, Toss
// has the order as PAYMENT_COMPLETED.
func (d *devAPI) addOrder(w http.ResponseWriter, r *http.Request) {
	var in struct {
		UserKey tossapi.UserKey `json:"userKey"`
		SKU     string          `json:"sku"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.UserKey <= 0 || !skuPattern.MatchString(in.SKU) {
		writeError(w, http.StatusBadRequest, "invalid_body", `body must be {"userKey": N > 0, "sku": "…"}`)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), simTimeout)
	defer cancel()
	id, err := d.sim.AddOrder(ctx, in.UserKey, in.SKU)
	if err != nil {
		d.simFailed(w, "order", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"orderId": id})
}

// refund: Toss refunds the order; the server sees it at the next sweep.
func (d *devAPI) refund(w http.ResponseWriter, r *http.Request) {
	var in struct{}
	if !readJSON(w, r, &in) {
		return
	}
	id := r.PathValue("orderId")
	ctx, cancel := context.WithTimeout(r.Context(), simTimeout)
	defer cancel()
	if err := d.sim.Refund(ctx, id); err != nil {
		d.simFailed(w, "refund", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"orderId": id, "refunded": true})
}

// runSweep runs one refund sweep now and answers what it did.
func (d *devAPI) runSweep(w http.ResponseWriter, r *http.Request) {
	var in struct{}
	if !readJSON(w, r, &in) {
		return
	}
	res, err := d.sweep(r.Context())
	if err != nil {
		d.log.Printf("dev sweep: %v", err)
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, "sweep_failed", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (d *devAPI) simFailed(w http.ResponseWriter, what string, err error) {
	d.log.Printf("toss simulator: %s: %v", what, err)
	writeError(w, http.StatusBadGateway, "toss_simulator", fmt.Sprintf("the Toss simulator did not answer the %s: %v", what, err))
}

// readJSON decodes exactly one JSON object with known fields from a
// bounded body into v; on failure it has answered 400 or 413.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, devBodyLimit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "body_too_large", "request body too large")
		} else {
			writeError(w, http.StatusBadRequest, "unreadable_body", "could not read the request body")
		}
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) && dec.Decode(v) == nil {
		if _, err := dec.Token(); errors.Is(err, io.EOF) {
			return true
		}
	}
	writeError(w, http.StatusBadRequest, "invalid_body", "the body must be one JSON object with the documented fields")
	return false
}
