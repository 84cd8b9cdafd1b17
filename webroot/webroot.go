//go:build !js && !wasip1

// Package webroot serves a mini-app's web directory to browsers: only the
// files a page needs, never a listing, a dotfile or anything outside the
// directory, with the security headers on every answer and main.wasm (or any
// file) sent precompressed when FILE.br or FILE.gz was written beside it at
// build time. Nothing is compressed on the fly.
package webroot

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
)

// Handler serves the files of one directory. Create it with New.
type Handler struct {
	root *os.Root
}

// New opens dir as the root of everything the handler serves. The
// directory is held open: files are read through it, so neither ".." nor a
// symbolic link can reach outside it.
func New(dir string) (*Handler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("webroot: %w", err)
	}
	return &Handler{root: root}, nil
}

// Close releases the directory.
func (h *Handler) Close() error { return h.root.Close() }

// ServeHTTP answers GET and HEAD with a file, or 404 for anything not
// allowed (see Allowed), missing, or a directory.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	SetSecurityHeaders(w.Header())
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ok := fileName(r.URL.Path)
	if !ok || !Allowed(name) {
		http.NotFound(w, r)
		return
	}
	if err := h.serve(w, r, name); err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errIsDir) {
			http.NotFound(w, r)
			return
		}
		// Outside the root (a symlink out), permission, I/O: nothing to say.
		http.NotFound(w, r)
	}
}

// fileName maps a URL path to a name inside the root: "/" is index.html, a
// path ending in "/" names a directory and is refused (no listings).
func fileName(urlPath string) (string, bool) {
	if urlPath == "/" || urlPath == "" {
		return "index.html", true
	}
	if !strings.HasPrefix(urlPath, "/") || strings.HasSuffix(urlPath, "/") {
		return "", false
	}
	name := urlPath[1:]
	// Refuse rather than clean: a path that needs cleaning was not written
	// by our page.
	if path.Clean(name) != name || strings.Contains(name, "\\") || strings.ContainsRune(name, 0) {
		return "", false
	}
	return name, true
}

var errIsDir = errors.New("webroot: is a directory")
