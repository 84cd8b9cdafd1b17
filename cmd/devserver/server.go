//go:build !js && !wasip1

// Routing: the JSON API under /api/ and the web directory everywhere else.

package main

import (
	"net/http"
	"path"
	"sync/atomic"
)

// server holds what the handlers share.
type server struct {
	store      *grantStore
	webDir     string
	failGrants atomic.Bool // dev switch, see failswitch.go
}

func newServer(store *grantStore, webDir string, failGrants bool) *server {
	s := &server{store: store, webDir: webDir}
	s.failGrants.Store(failGrants)
	return s
}

// handler returns the complete route table.
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	// Patterns carry no method so the handlers can answer a wrong method
	// with JSON instead of the mux's plain-text 405.
	mux.HandleFunc("/api/grant", allowMethods(s.handleGrant, http.MethodPost))
	mux.HandleFunc("/api/grants", allowMethods(s.handleListGrants, http.MethodGet))
	mux.HandleFunc("/api/grants/{orderId}", allowMethods(s.handleGetGrant, http.MethodGet))
	mux.HandleFunc("/api/dev/fail-grants", allowMethods(s.handleFailGrants, http.MethodGet, http.MethodPost))
	// Unknown API paths get a JSON 404 instead of falling through to the
	// file server.
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "not found")
	})
	// Everything else, /node_modules/ (the SDK after npm ci) included, is a
	// file under the web directory; "/" serves index.html.
	mux.Handle("/", staticHandler(s.webDir))
	return mux
}

// staticTypes pins the types the browser is strict about: instantiateStreaming
// rejects wasm without application/wasm and module scripts need a JavaScript
// type. The system mime table (/etc/mime.types) could say otherwise.
var staticTypes = map[string]string{
	".wasm": "application/wasm",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
}

func staticHandler(dir string) http.Handler {
	fs := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ct, ok := staticTypes[path.Ext(r.URL.Path)]; ok {
			w.Header().Set("Content-Type", ct) // FileServer keeps a preset type
		}
		// Revalidate every time so a rebuilt main.wasm is picked up on reload.
		w.Header().Set("Cache-Control", "no-cache")
		fs.ServeHTTP(w, r)
	})
}
