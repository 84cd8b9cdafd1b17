package tossapitest

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/goiap/goiap/tossapi"
)

var kst = time.FixedZone("KST", 9*60*60)

// ServeHTTP answers the partner API and, under /sim/v1/, the control API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/sim/") {
		s.control.ServeHTTP(w, r)
		return
	}
	s.mu.Lock()
	f, faulty := s.takeFault(r.URL.Path)
	s.mu.Unlock()
	if faulty && applyFault(w, r, f) {
		return
	}
	var method string
	var handle func(http.ResponseWriter, *http.Request)
	switch r.URL.Path {
	case tossapi.PathOrderStatus:
		method, handle = http.MethodPost, s.orderStatus
	case tossapi.PathGenerateToken:
		method, handle = http.MethodPost, s.generateToken
	case tossapi.PathRefreshToken:
		method, handle = http.MethodPost, s.refreshToken
	case tossapi.PathLoginMe:
		method, handle = http.MethodGet, s.loginMe
	default:
		writeFail(w, http.StatusNotFound, "NOT_FOUND", "no such API")
		return
	}
	if r.Method != method {
		w.Header().Set("Allow", method)
		writeFail(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "use "+method)
		return
	}
	handle(w, r)
}

// readBody decodes a JSON request body, refusing other media types, as the
// calls must be sent with Content-Type: application/json.
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeFail(w, http.StatusUnsupportedMediaType, "INVALID_REQUEST", "Content-Type must be application/json")
		return false
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	if err := dec.Decode(v); err != nil {
		writeFail(w, http.StatusBadRequest, "INVALID_REQUEST", "body: "+err.Error())
		return false
	}
	return true
}

func (s *Server) orderStatus(w http.ResponseWriter, r *http.Request) {
	var req struct {
		OrderID string `json:"orderId"`
	}
	if !readBody(w, r, &req) {
		return
	}
	if req.OrderID == "" {
		writeFail(w, http.StatusBadRequest, "INVALID_REQUEST", "orderId is required")
		return
	}
	user := tossapi.NoUser
	if h := r.Header.Get("x-toss-user-key"); h != "" {
		k, err := strconv.ParseInt(h, 10, 64)
		if err != nil || k <= 0 || strconv.FormatInt(k, 10) != h {
			writeFail(w, http.StatusBadRequest, "INVALID_REQUEST", "x-toss-user-key must be the userKey's digits")
			return
		}
		user = tossapi.UserKey(k)
	}
	s.mu.Lock()
	o, ok := s.st.Orders[req.OrderID]
	var snapshot order
	if ok {
		snapshot = *o
	}
	s.mu.Unlock()
	answer := map[string]any{"orderId": req.OrderID, "reason": ""}
	switch {
	case !ok || (user != tossapi.NoUser && snapshot.User != user):
		// Another user's order is not found, as for Toss.
		answer["status"], answer["reason"] = tossapi.StatusNotFound, "order not found"
	case snapshot.OtherMiniApp:
		answer["status"], answer["reason"] = tossapi.StatusMiniAppMismatch, "order of another mini-app"
	default:
		answer["sku"] = snapshot.SKU
		answer["status"] = snapshot.Status
		answer["statusDeterminedAt"] = snapshot.DeterminedAt.In(kst).Format("2006-01-02T15:04:05")
	}
	writeSuccess(w, answer)
}

func (s *Server) generateToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AuthorizationCode string `json:"authorizationCode"`
		Referrer          string `json:"referrer"`
	}
	if !readBody(w, r, &req) {
		return
	}
	if req.AuthorizationCode == "" || req.Referrer == "" {
		writeFail(w, http.StatusBadRequest, "INVALID_REQUEST", "authorizationCode and referrer are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.st.Codes[req.AuthorizationCode]
	now := s.now()
	switch {
	case !ok:
		writeInvalidGrant(w, "unknown authorization code")
		return
	case c.Used:
		writeInvalidGrant(w, "authorization code already used")
		return
	case !now.Before(c.Expires):
		writeInvalidGrant(w, "authorization code expired")
		return
	}
	c.Used = true
	refresh := secret()
	s.st.Tokens[refresh] = &token{User: c.User, Refresh: true, Expires: now.Add(RefreshLifetime)}
	s.writeTokensLocked(w, c.User, refresh, now)
}

func (s *Server) refreshToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		RefreshToken string `json:"refreshToken"`
	}
	if !readBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.st.Tokens[req.RefreshToken]
	now := s.now()
	if !ok || !t.Refresh || !now.Before(t.Expires) {
		writeInvalidGrant(w, "invalid refresh token")
		return
	}
	s.writeTokensLocked(w, t.User, req.RefreshToken, now)
}

// writeTokensLocked issues an access token and answers it with the refresh
// token (which the fake does not rotate).
func (s *Server) writeTokensLocked(w http.ResponseWriter, user tossapi.UserKey, refresh string, now time.Time) {
	access := secret()
	s.st.Tokens[access] = &token{User: user, Expires: now.Add(AccessLifetime)}
	s.changed()
	writeSuccess(w, map[string]any{
		"tokenType": "Bearer", "accessToken": access, "refreshToken": refresh,
		"expiresIn": int64(AccessLifetime / time.Second), "scope": "user_key",
	})
}

func (s *Server) loginMe(w http.ResponseWriter, r *http.Request) {
	access, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	t, known := s.st.Tokens[access]
	valid := ok && known && !t.Refresh && s.now().Before(t.Expires)
	var user tossapi.UserKey
	if valid {
		user = t.User
	}
	s.mu.Unlock()
	if !valid {
		writeFail(w, http.StatusUnauthorized, "INVALID_TOKEN", "invalid or expired access token")
		return
	}
	writeSuccess(w, map[string]any{"userKey": user, "scope": "user_key", "agreedTerms": []string{}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeSuccess(w http.ResponseWriter, v any) {
	writeJSON(w, http.StatusOK, map[string]any{"resultType": "SUCCESS", "success": v})
}

func writeFail(w http.ResponseWriter, status int, code, reason string) {
	writeJSON(w, status, map[string]any{"resultType": "FAIL", "error": map[string]string{"errorCode": code, "reason": reason}})
}

// writeInvalidGrant answers OAuth-style, as Toss's login endpoints may.
func writeInvalidGrant(w http.ResponseWriter, why string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": why})
}
