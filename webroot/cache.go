//go:build !js && !wasip1

package webroot

import (
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// hashLen is how many hex digits of its content's hash a file name carries
// (scripts/hashname.mjs writes main.<12 hex>.wasm).
const hashLen = 12

// cacheControl says how long a browser may keep a file without asking. A
// file whose name carries the hash of its content (NAME.<12 hex>.EXT)
// never changes under that name: kept for a year, never revalidated, so a
// repeat visit costs no request for main.wasm. Anything else is
// revalidated every time (a cheap 304): a rebuilt file is picked up on the
// next load.
func cacheControl(name string) string {
	if contentHashed(path.Base(name)) {
		return "public, max-age=31536000, immutable"
	}
	return "no-cache"
}

// contentHashed reports whether base is NAME.<hashLen lowercase hex>.EXT.
func contentHashed(base string) bool {
	parts := strings.Split(base, ".")
	if len(parts) < 3 || parts[0] == "" || parts[len(parts)-1] == "" {
		return false
	}
	h := parts[len(parts)-2]
	if len(h) != hashLen {
		return false
	}
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// preloadHashedWasm announces, on an HTML page's answer, every
// content-hashed .wasm file beside it (main.<12 hex>.wasm, written by make
// build) in a Link preload header: the browser starts downloading it as soon
// as the headers arrive, a round trip before the page's own script could ask
// for it. The page works the same without it (web/wasm-url.js fetches the
// file and the browser matches that fetch with the preload), so a static
// host that cannot send the header only loses the head start.
func (h *Handler) preloadHashedWasm(hdr http.Header, page string) {
	dir := path.Dir(page)
	entries, err := fs.ReadDir(h.root.FS(), dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && path.Ext(n) == ".wasm" && contentHashed(n) {
			hdr.Add("Link", "<./"+n+`>; rel=preload; as=fetch; type="application/wasm"; crossorigin`)
		}
	}
}
