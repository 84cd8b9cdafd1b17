//go:build !js && !wasip1

// JSON response helpers shared by every /api handler.

package main

import (
	"net/http"
	"strings"

	"github.com/goiap/goiap/internal/jsonbody"
)

// apiError is the body of every error answer.
type apiError struct {
	Error string `json:"error"`
	Code  string `json:"code,omitempty"`
}

// writeJSON answers status with v as JSON, as the grant API does.
var writeJSON = jsonbody.Write

// writeError answers status with {"error": msg, "code": code}.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, apiError{Error: msg, Code: code})
}

// allowMethods wraps h so other methods get a JSON 405 rather than the
// mux's plain-text one.
func allowMethods(h http.HandlerFunc, methods ...string) http.HandlerFunc {
	allow := strings.Join(methods, ", ")
	return func(w http.ResponseWriter, r *http.Request) {
		for _, m := range methods {
			if r.Method == m {
				h(w, r)
				return
			}
		}
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "method "+r.Method+" not allowed; use "+allow)
	}
}
