//go:build !js && !wasip1

// The checks every dev endpoint makes before anything else.

package main

import (
	"mime"
	"net/http"
)

// crossSite reports whether a browser says the request comes from another
// site: an Origin header that is not ours, or Sec-Fetch-Site other than
// same-origin (and "none", a user typing the URL). A request with neither
// header is not from a page (curl, tests, scripts): it cannot carry another
// site's intent and passes.
func crossSite(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return true
	}
	origin, ok := r.Header["Origin"]
	if !ok {
		return false
	}
	scheme := "http://"
	if r.TLS != nil {
		scheme = "https://"
	}
	return len(origin) != 1 || origin[0] != scheme+r.Host
}

// isJSON reports whether the request body is declared application/json.
func isJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// sameOriginJSON wraps a dev handler: cross-site requests get 403 first,
// then POSTs that are not application/json get 415.
func sameOriginJSON(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if crossSite(r) {
			writeError(w, http.StatusForbidden, "cross_site", "cross-site requests are refused")
			return
		}
		if r.Method == http.MethodPost && !isJSON(r) {
			writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "the body must be application/json")
			return
		}
		h(w, r)
	}
}
