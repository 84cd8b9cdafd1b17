//go:build !js && !wasip1

// Routing: the grant API under /api/, the dev endpoints under /api/dev/
// with -dev, the web directory everywhere else; the security headers on
// every answer.

package main

import (
	"net/http"
	"time"

	"github.com/goiap/goiap/webroot"
)

// The limits of the HTTP server. Reads are short (small JSON bodies);
// writes cover main.wasm on a slow link and a grant that waits for Toss
// (the page gives up after 25 s).
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 90 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 16 << 10
	shutdownTimeout   = 40 * time.Second // a grant in flight may wait on Toss's retries
)

// routes assembles the handler: api serves /api/ (the grant server), dev
// (nil without -dev) /api/dev/, ops (nil when they have their own
// listener) /metrics, /healthz and /readyz, static the rest.
func routes(api http.Handler, dev *devAPI, static http.Handler, ops func(*http.ServeMux)) http.Handler {
	mux := http.NewServeMux()
	if ops != nil {
		ops(mux)
	}
	if dev != nil {
		api = dev.fail.wrap(api)
		dev.routes(mux)
	}
	mux.Handle("/api/", api)
	mux.Handle("/", static)
	return webroot.Headers(mux)
}

// newHTTPServer sets every limit on h.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}
}
