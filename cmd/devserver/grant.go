//go:build !js && !wasip1

// Grant endpoint: POST /api/grant plus the read-only views of recorded grants.
//
// The page calls POST /api/grant after the user pays, possibly more than
// once for the same order (retries, reloads). Every call for an orderId that
// is already recorded answers granted:true again, so the client can retry
// blindly; only the first one records a row.

package main

import (
	"database/sql"
	"errors"
	"log"
	"net/http"

	"github.com/goiap/goiap/internal/jsonbody"
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

// handleGrant serves POST /api/grant.
func (s *server) handleGrant(w http.ResponseWriter, r *http.Request) {
	if s.failGrants.Load() {
		writeError(w, http.StatusServiceUnavailable, "dev_fail_grants", "grant endpoint failing (dev switch)")
		return
	}
	req, err := readGrantRequest(w, r)
	if err != nil {
		var br *jsonbody.Error
		if errors.As(err, &br) {
			writeError(w, br.Status, br.Code, br.Message)
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
// *jsonbody.Error are the client's fault; anything else is an I/O failure.
func readGrantRequest(w http.ResponseWriter, r *http.Request) (grantRequest, error) {
	fields, err := jsonbody.Read(w, r, maxGrantBody)
	if err != nil {
		return grantRequest{}, err
	}
	var req grantRequest
	if req.OrderID, err = fields.String("orderId", maxFieldBytes); err != nil {
		return grantRequest{}, err
	}
	if req.SKU, err = fields.String("sku", maxFieldBytes); err != nil {
		return grantRequest{}, err
	}
	// subscriptionId is optional: absent, null and "" all mean "none".
	if req.SubscriptionID, err = fields.OptionalString("subscriptionId", maxFieldBytes); err != nil {
		return grantRequest{}, err
	}
	return req, nil
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
