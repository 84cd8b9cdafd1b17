//go:build !js && !wasip1

package webroot

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"regexp"
	"strings"
)

// ContentSecurityPolicy is the policy for the page: scripts only from our
// origin, WebAssembly compilation allowed ('wasm-unsafe-eval', not
// 'unsafe-eval'), the inline import map allowed by the hashes given, no
// plugins, no framing, no <base> tricks, fetch only to our origin, styles
// only from files (and constructed stylesheets, which the sandbox checkout
// sheet uses).
func ContentSecurityPolicy(scriptHashes ...string) string {
	script := "script-src 'self' 'wasm-unsafe-eval'"
	for _, h := range scriptHashes {
		script += " '" + h + "'"
	}
	return strings.Join([]string{
		"default-src 'self'",
		script,
		"style-src 'self'",
		"img-src 'self' data:",
		"connect-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
}

// SetSecurityHeaders puts the headers every answer carries, API answers
// included. Referrer-Policy is same-origin, not no-referrer: with
// no-referrer browsers send "Origin: null" on same-origin POSTs, which the
// grant server's cross-site check must refuse.
func SetSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy())
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}

// Headers wraps next so that every answer carries SetSecurityHeaders.
func Headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetSecurityHeaders(w.Header())
		next.ServeHTTP(w, r)
	})
}

var importMapRE = regexp.MustCompile(`(?is)<script\s+type\s*=\s*["']?importmap["']?\s*>(.*?)</script\s*>`)

// ImportMapHashes returns the CSP source hashes ("sha256-…") of the inline
// import maps of an HTML page: an import map is a script for CSP, and
// browsers have no external import maps.
func ImportMapHashes(page []byte) []string {
	var out []string
	for _, m := range importMapRE.FindAllSubmatch(page, -1) {
		sum := sha256.Sum256(m[1])
		out = append(out, "sha256-"+base64.StdEncoding.EncodeToString(sum[:]))
	}
	return out
}
