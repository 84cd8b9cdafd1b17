package jsonbody

import (
	"encoding/json"
	"net/http"
)

// Write answers status with v as JSON. no-store keeps a browser or proxy
// from answering a grant or a wallet from its cache; nosniff keeps the
// answer JSON whatever it holds.
func Write(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"code":"internal","error":"could not encode the answer"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
