//go:build !js && !wasip1

// A dev switch that makes POST /api/grant fail on purpose: the browser test
// flips it on to play a partner outage after payment, then off again and
// reloads the page to see the order recovered.

package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync/atomic"
)

type failSwitch struct{ on atomic.Bool }

// serve answers GET and POST /api/dev/fail-grants ({"fail": bool}).
func (f *failSwitch) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		var in struct {
			Fail json.RawMessage `json:"fail"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		// An explicit boolean: a typo must not switch failing off.
		switch {
		case bytes.Equal(in.Fail, []byte("true")):
			f.on.Store(true)
		case bytes.Equal(in.Fail, []byte("false")):
			f.on.Store(false)
		default:
			writeError(w, http.StatusBadRequest, "invalid_body", `body must be {"fail": true|false}`)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]bool{"fail": f.on.Load()})
}

// wrap makes POST /api/grant answer 503 while the switch is on, as the
// grant server does when Toss cannot answer; other requests pass.
func (f *failSwitch) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.on.Load() && r.Method == http.MethodPost && r.URL.Path == "/api/grant" && !crossSite(r) {
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusServiceUnavailable, "dev_fail_grants", "grants fail on purpose (/api/dev/fail-grants)")
			return
		}
		next.ServeHTTP(w, r)
	})
}
