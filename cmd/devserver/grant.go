//go:build !js && !wasip1

// Grant endpoint: POST /api/grant plus the read-only views of recorded grants.
//
// The page calls POST /api/grant after the user pays, possibly more than
// once for the same order (retries, reloads). Every call for an orderId that
// is already recorded answers granted:true again, so the client can retry
// blindly; only the first one records a row.

package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"unicode"
	"unicode/utf8"
)

const (
	maxGrantBody  = 64 << 10 // bytes; a grant request is a few hundred at most
	maxFieldBytes = 256      // per orderId / sku / subscriptionId
	listLimit     = 100
)

// grantRequest is the validated body of POST /api/grant.
type grantRequest struct {
	OrderID        string
	SKU            string
	SubscriptionID *string
}

// grantResponse is the success answer of POST /api/grant.
type grantResponse struct {
	Granted   bool   `json:"granted"`
	OrderID   string `json:"orderId"`
	Duplicate bool   `json:"duplicate"`
}

// badRequest is a validation failure to be sent back as a 4xx.
type badRequest struct {
	status int
	code   string
	msg    string
}

func (e *badRequest) Error() string { return e.msg }

func bad(code, msg string) *badRequest {
	return &badRequest{status: http.StatusBadRequest, code: code, msg: msg}
}

// handleGrant serves POST /api/grant.
func (s *server) handleGrant(w http.ResponseWriter, r *http.Request) {
	if s.failGrants.Load() {
		writeError(w, http.StatusServiceUnavailable, "dev_fail_grants", "grant endpoint failing (dev switch)")
		return
	}
	req, err := readGrantRequest(w, r)
	if err != nil {
		var br *badRequest
		if errors.As(err, &br) {
			writeError(w, br.status, br.code, br.msg)
			return
		}
		log.Printf("devserver: read grant request: %v", err)
		writeError(w, http.StatusBadRequest, "unreadable_body", "could not read request body")
		return
	}
	dup, err := s.store.Grant(r.Context(), req.OrderID, req.SKU, req.SubscriptionID)
	switch {
	case errors.Is(err, errSKUConflict):
		writeError(w, http.StatusConflict, "sku_conflict", "orderId "+req.OrderID+" was already granted with a different sku")
	case err != nil:
		log.Printf("devserver: grant %q: %v", req.OrderID, err)
		writeError(w, http.StatusInternalServerError, "internal", "could not record grant")
	default:
		writeJSON(w, http.StatusOK, grantResponse{Granted: true, OrderID: req.OrderID, Duplicate: dup})
	}
}

// readGrantRequest reads and validates the body. Errors it returns as
// *badRequest are the client's fault; anything else is an I/O failure.
func readGrantRequest(w http.ResponseWriter, r *http.Request) (grantRequest, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxGrantBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return grantRequest{}, &badRequest{http.StatusRequestEntityTooLarge, "body_too_large", "request body exceeds 64 KiB"}
		}
		return grantRequest{}, err
	}
	// encoding/json would silently turn invalid UTF-8 into U+FFFD, so two
	// different byte strings could become one orderId; refuse instead.
	if !utf8.Valid(body) {
		return grantRequest{}, bad("invalid_json", "request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return grantRequest{}, bad("invalid_json", "request body is not valid JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return grantRequest{}, bad("trailing_data", "unexpected data after the JSON object")
	}
	if raw[0] != '{' { // Decode skipped leading space; RawMessage starts at the value
		return grantRequest{}, bad("not_object", "request body must be a JSON object")
	}
	// A map rather than a struct: struct decoding matches keys
	// case-insensitively and cannot tell a missing field from null.
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return grantRequest{}, bad("invalid_json", "request body is not valid JSON")
	}
	var req grantRequest
	if req.OrderID, err = stringField(fields, "orderId"); err != nil {
		return grantRequest{}, err
	}
	if req.SKU, err = stringField(fields, "sku"); err != nil {
		return grantRequest{}, err
	}
	// subscriptionId is optional: absent, null and "" all mean "none".
	if v, ok := fields["subscriptionId"]; ok && string(v) != "null" && string(v) != `""` {
		sub, err := stringField(fields, "subscriptionId")
		if err != nil {
			return grantRequest{}, err
		}
		req.SubscriptionID = &sub
	}
	return req, nil
}

// stringField returns fields[name] as a non-empty, bounded string without
// control characters.
func stringField(fields map[string]json.RawMessage, name string) (string, error) {
	v, ok := fields[name]
	if !ok {
		return "", bad("missing_field", name+" is required")
	}
	var s string
	// Unmarshal accepts null into a string; insist on an actual string.
	if len(v) == 0 || v[0] != '"' || json.Unmarshal(v, &s) != nil {
		return "", bad("invalid_type", name+" must be a string")
	}
	if s == "" {
		return "", bad("empty_field", name+" must not be empty")
	}
	if len(s) > maxFieldBytes {
		return "", bad("too_long", name+" exceeds 256 bytes")
	}
	for _, c := range s {
		if unicode.IsControl(c) {
			return "", bad("control_character", name+" contains a control character")
		}
	}
	return s, nil
}

// handleGetGrant serves GET /api/grants/{orderId}.
func (s *server) handleGetGrant(w http.ResponseWriter, r *http.Request) {
	g, err := s.store.Get(r.Context(), r.PathValue("orderId"))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		writeError(w, http.StatusNotFound, "not_found", "not found")
	case err != nil:
		log.Printf("devserver: get grant: %v", err)
		writeError(w, http.StatusInternalServerError, "internal", "could not read grant")
	default:
		writeJSON(w, http.StatusOK, g)
	}
}

// handleListGrants serves GET /api/grants, newest first.
func (s *server) handleListGrants(w http.ResponseWriter, r *http.Request) {
	gs, err := s.store.List(r.Context(), listLimit)
	if err != nil {
		log.Printf("devserver: list grants: %v", err)
		writeError(w, http.StatusInternalServerError, "internal", "could not list grants")
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Grants []grant `json:"grants"`
	}{gs})
}
