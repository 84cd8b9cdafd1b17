//go:build !js && !wasip1

package webroot

import (
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
)

// contentTypes pins the types browsers are strict about (streaming wasm
// compilation needs application/wasm, module scripts a JavaScript type);
// the system's mime table could say otherwise.
var contentTypes = map[string]string{
	".wasm": "application/wasm",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".webp": "image/webp",
	".ico":  "image/x-icon",
}

func contentType(name string) string {
	ext := path.Ext(name)
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// encodings are the precompressed twins, in order of preference.
var encodings = []struct{ token, ext string }{
	{"br", ".br"},
	{"gzip", ".gz"},
}

// htmlLimit bounds how much of an HTML file is read to hash its import map.
const htmlLimit = 1 << 20

func (h *Handler) serve(w http.ResponseWriter, r *http.Request, name string) error {
	f, info, err := h.open(name)
	if err != nil {
		return err
	}
	defer f.Close()

	hdr := w.Header()
	hdr.Set("Content-Type", contentType(name))
	hdr.Set("Cache-Control", cacheControl(name))
	hdr.Add("Vary", "Accept-Encoding")
	if path.Ext(name) == ".html" {
		// The inline import map must be allowed by hash: read it from the
		// uncompressed file whatever encoding is sent.
		page, err := io.ReadAll(io.LimitReader(f, htmlLimit))
		if err != nil {
			return err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		hdr.Set("Content-Security-Policy", ContentSecurityPolicy(ImportMapHashes(page)...))
		h.preloadHashedWasm(hdr, name)
	}

	var body io.ReadSeeker = f
	enc := ""
	accepted := acceptedEncodings(r.Header.Get("Accept-Encoding"))
	for _, e := range encodings {
		if !accepted[e.token] {
			continue
		}
		cf, cinfo, err := h.open(name + e.ext)
		if err != nil {
			continue
		}
		// A twin older than its file was left behind by an earlier build:
		// the file is the truth.
		if cinfo.ModTime().Before(info.ModTime()) {
			cf.Close()
			continue
		}
		defer cf.Close()
		body, info, enc = cf, cinfo, e.token
		break
	}
	if enc != "" {
		hdr.Set("Content-Encoding", enc)
		// Ranges of an encoded body are rarely what a client means: send
		// it whole.
		r.Header.Del("Range")
		// ServeContent leaves the length out for encoded bodies; it is
		// known, and progress bars like it.
		hdr.Set("Content-Length", strconv.FormatInt(info.Size(), 10))
	}
	hdr.Set("ETag", etag(info, enc))
	http.ServeContent(w, r, name, info.ModTime(), body)
	return nil
}

// open opens a regular file of the root; a directory answers errIsDir.
func (h *Handler) open(name string) (*os.File, fs.FileInfo, error) {
	f, err := h.root.Open(name)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, errIsDir
	}
	return f, info, nil
}

// etag names one representation: the file's modification time and size,
// and the encoding, so a br answer never revalidates a gzip one.
func etag(info fs.FileInfo, enc string) string {
	tag := `"` + strconv.FormatInt(info.ModTime().UnixNano(), 36) + "-" + strconv.FormatInt(info.Size(), 36)
	if enc != "" {
		tag += "-" + enc
	}
	return tag + `"`
}

// acceptedEncodings reads Accept-Encoding: the codings with q > 0, "*"
// standing for any not named.
func acceptedEncodings(header string) map[string]bool {
	named := map[string]bool{}
	star := false
	for _, part := range strings.Split(header, ",") {
		token, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		token = strings.ToLower(strings.TrimSpace(token))
		if token == "" {
			continue
		}
		ok := true
		for _, p := range strings.Split(params, ";") {
			k, v, found := strings.Cut(strings.TrimSpace(p), "=")
			if found && strings.EqualFold(strings.TrimSpace(k), "q") {
				q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				ok = err == nil && q > 0
			}
		}
		if token == "*" {
			star = ok
			continue
		}
		named[token] = ok
	}
	out := map[string]bool{}
	for _, e := range encodings {
		v, seen := named[e.token]
		out[e.token] = v || (!seen && star)
	}
	return out
}
