package tossapitest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/goiap/goiap/tossapi"
)

// The control API, for processes that drive the fake from outside (the demo
// server and its simulator): JSON over the same mutual TLS listener, so only
// holders of a client certificate of the fake's CA can use it.
//
//	POST   /sim/v1/users                        → {"userKey"}
//	POST   /sim/v1/login-codes {"userKey"?}     → {"authorizationCode","referrer":"SANDBOX","userKey"} (0 or absent: a new user)
//	POST   /sim/v1/orders {"userKey","sku","status"?} → {"orderId"} (status default PAYMENT_COMPLETED)
//	GET    /sim/v1/orders/{orderId}             → {"orderId","userKey","sku","status"}
//	POST   /sim/v1/orders/{orderId}/refund      → {"orderId","status":"REFUNDED"}
//	POST   /sim/v1/orders/{orderId}/status {"status"} → {"orderId","status"}
//	POST   /sim/v1/faults {Fault}               → {}
//	DELETE /sim/v1/faults                       → {}
//	GET    /sim/v1/calls?path=P                 → {"path","calls"}
//
// A fault is {"path","times","latencyMillis","drop","overLimit",
// "retryAfterSeconds","oauthError","code","reason","httpStatus"}, every field
// optional (see Fault). Errors answer {"code","message"} with a 4xx status.
func (s *Server) controlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /sim/v1/users", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"userKey": s.AddUser()})
	})
	mux.HandleFunc("POST /sim/v1/login-codes", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			UserKey tossapi.UserKey `json:"userKey"`
		}
		if !readControl(w, r, &req) {
			return
		}
		if req.UserKey < 0 {
			controlError(w, http.StatusBadRequest, "INVALID_REQUEST", "userKey must be positive")
			return
		}
		if req.UserKey == tossapi.NoUser {
			req.UserKey = s.AddUser()
		}
		code := s.NewLoginCode(req.UserKey)
		writeJSON(w, http.StatusOK, LoginCode{AuthorizationCode: code, Referrer: "SANDBOX", UserKey: req.UserKey})
	})
	mux.HandleFunc("POST /sim/v1/orders", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			UserKey tossapi.UserKey `json:"userKey"`
			SKU     string          `json:"sku"`
			Status  tossapi.Status  `json:"status"`
		}
		if !readControl(w, r, &req) {
			return
		}
		if req.UserKey <= 0 || req.SKU == "" {
			controlError(w, http.StatusBadRequest, "INVALID_REQUEST", "userKey and sku are required")
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"orderId": s.AddOrder(req.UserKey, req.SKU, req.Status)})
	})
	mux.HandleFunc("GET /sim/v1/orders/{orderId}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("orderId")
		user, sku, status, ok := s.Order(id)
		if !ok {
			controlError(w, http.StatusNotFound, "NOT_FOUND", errUnknownOrder.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"orderId": id, "userKey": user, "sku": sku, "status": status})
	})
	setStatus := func(w http.ResponseWriter, id string, st tossapi.Status) {
		if err := s.setStatus(id, st); err != nil {
			controlError(w, http.StatusNotFound, "NOT_FOUND", err.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"orderId": id, "status": st})
	}
	mux.HandleFunc("POST /sim/v1/orders/{orderId}/refund", func(w http.ResponseWriter, r *http.Request) {
		setStatus(w, r.PathValue("orderId"), tossapi.StatusRefunded)
	})
	mux.HandleFunc("POST /sim/v1/orders/{orderId}/status", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Status tossapi.Status `json:"status"`
		}
		if !readControl(w, r, &req) {
			return
		}
		if req.Status == "" {
			controlError(w, http.StatusBadRequest, "INVALID_REQUEST", "status is required")
			return
		}
		setStatus(w, r.PathValue("orderId"), req.Status)
	})
	mux.HandleFunc("POST /sim/v1/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Fault
		if !readControl(w, r, &f) {
			return
		}
		s.Inject(f)
		writeJSON(w, http.StatusOK, struct{}{})
	})
	mux.HandleFunc("DELETE /sim/v1/faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		writeJSON(w, http.StatusOK, struct{}{})
	})
	mux.HandleFunc("GET /sim/v1/calls", func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Query().Get("path")
		writeJSON(w, http.StatusOK, map[string]any{"path": p, "calls": s.Calls(p)})
	})
	mux.HandleFunc("/sim/", func(w http.ResponseWriter, r *http.Request) {
		controlError(w, http.StatusNotFound, "NOT_FOUND", "no such control endpoint")
	})
	return mux
}

// readControl decodes one JSON value; an empty body is an empty object.
func readControl(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		controlError(w, http.StatusBadRequest, "INVALID_REQUEST", err.Error())
		return false
	}
	return true
}

func controlError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"code": code, "message": msg})
}
