//go:build !js && !wasip1

// Dev switch that makes POST /api/grant fail on purpose.
//
// The browser test flips it on to simulate a partner outage after payment,
// then off again and reloads the page to check that the order is recovered.

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// failGrantsBody is both the request and the answer of /api/dev/fail-grants.
type failGrantsBody struct {
	Fail bool `json:"fail"`
}

// handleFailGrants serves GET and POST /api/dev/fail-grants.
func (s *server) handleFailGrants(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<10))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeError(w, http.StatusRequestEntityTooLarge, "body_too_large", "request body too large")
				return
			}
			writeError(w, http.StatusBadRequest, "unreadable_body", "could not read request body")
			return
		}
		// Require an explicit boolean: a typo must not silently switch failing off.
		var fields map[string]json.RawMessage
		var fail bool
		if json.Unmarshal(body, &fields) != nil || fields == nil ||
			!isJSONBool(fields["fail"]) || json.Unmarshal(fields["fail"], &fail) != nil {
			writeError(w, http.StatusBadRequest, "invalid_body", `body must be {"fail": true|false}`)
			return
		}
		s.failGrants.Store(fail)
	}
	writeJSON(w, http.StatusOK, failGrantsBody{Fail: s.failGrants.Load()})
}

func isJSONBool(v json.RawMessage) bool {
	return bytes.Equal(v, []byte("true")) || bytes.Equal(v, []byte("false"))
}
