package grant

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"

	"github.com/goiap/goiap/internal/jsonbody"
	"github.com/goiap/goiap/tossapi"
)

// Request bodies are a few hundred bytes; the limit only stops abuse.
const (
	maxBody      = 16 << 10
	maxFieldSize = 256
	maxCodeSize  = 4 << 10 // an authorization code's length is not documented
)

// The cookie is named with the __Host- prefix over HTTPS: the browser then
// refuses it unless Secure, host-only and Path=/, so a sibling subdomain
// cannot plant one. Browsers refuse that prefix over plain HTTP.
const (
	cookieSecure = "__Host-goiap-session"
	cookiePlain  = "goiap-session"
)

func (s *Server) cookieName() string {
	if s.cfg.PlainHTTP {
		return cookiePlain
	}
	return cookieSecure
}

// sessionID is what the store keeps of a cookie value: its SHA-256, so a
// leaked database holds no usable cookie.
func sessionID(cookie string) string {
	sum := sha256.Sum256([]byte(cookie))
	return hex.EncodeToString(sum[:])
}

// readBody reads a strict JSON object, answering the refusal itself.
func readBody(w http.ResponseWriter, r *http.Request) (jsonbody.Object, bool) {
	o, err := jsonbody.Read(w, r, maxBody)
	if err != nil {
		writeBodyError(w, err)
		return nil, false
	}
	return o, true
}

func writeBodyError(w http.ResponseWriter, err error) {
	var bad *jsonbody.Error
	if errors.As(err, &bad) {
		writeError(w, bad.Status, bad.Code, bad.Message)
		return
	}
	writeError(w, http.StatusBadRequest, "unreadable_body", "could not read the request body")
}

// login serves POST /api/login {"authorizationCode","referrer"}: the code
// from the SDK's appLogin() is exchanged with Toss for tokens and the user,
// which stay here; the browser gets a random cookie.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	code, err := body.String("authorizationCode", maxCodeSize)
	if err != nil {
		writeBodyError(w, err)
		return
	}
	referrer, err := body.String("referrer", maxFieldSize)
	if err != nil {
		writeBodyError(w, err)
		return
	}
	ctx := r.Context()
	tok, err := s.cfg.Toss.GenerateToken(ctx, code, referrer)
	if err == nil {
		var me tossapi.User
		me, err = s.cfg.Toss.LoginMe(ctx, tok.AccessToken)
		if err == nil {
			s.startSession(w, r, me.UserKey, tok)
			return
		}
	}
	switch {
	case errors.Is(err, tossapi.ErrInvalidGrant):
		writeError(w, http.StatusUnauthorized, codeLoginRefused, "Toss refused the authorization code; log in again")
	default:
		s.log().Warn("grant: login: Toss did not answer", "err", err)
		writeUnavailable(w, tossRetryAfter(err), codeTossUnavailable, "Toss cannot be asked now")
	}
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, user tossapi.UserKey, tok tossapi.Token) {
	value := randomHex(32)
	now := s.now()
	sess := Session{
		ID: sessionID(value), UserKey: user,
		AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken,
		CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL),
	}
	if err := s.cfg.Store.CreateSession(r.Context(), sess); err != nil {
		s.log().Error("grant: login: store session", "err", err)
		writeUnavailable(w, 0, codeStoreUnavailable, "the session could not be stored")
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(), Value: value, Path: "/",
		MaxAge:   int(s.cfg.SessionTTL.Seconds()),
		HttpOnly: true, Secure: !s.cfg.PlainHTTP, SameSite: http.SameSiteStrictMode,
	})
	writeJSON(w, http.StatusOK, struct {
		UserKey tossapi.UserKey `json:"userKey"`
	}{user})
}

// session returns the request's session; when there is none it has
// answered 401 (or 503 if the store cannot say).
func (s *Server) session(w http.ResponseWriter, r *http.Request) (Session, bool) {
	c, err := r.Cookie(s.cookieName())
	if err != nil || c.Value == "" {
		writeError(w, http.StatusUnauthorized, codeNoSession, "log in first")
		return Session{}, false
	}
	sess, err := s.cfg.Store.Session(r.Context(), sessionID(c.Value), s.now())
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusUnauthorized, codeNoSession, "the session ended; log in again")
		return Session{}, false
	case err != nil:
		s.log().Error("grant: read session", "err", err)
		writeUnavailable(w, 0, codeStoreUnavailable, "the session cannot be checked now")
		return Session{}, false
	}
	return sess, true
}

// logout serves POST /api/logout: the session ends here and in the browser.
// It answers 200 with or without a session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(s.cookieName()); err == nil && c.Value != "" {
		if err := s.cfg.Store.DeleteSession(r.Context(), sessionID(c.Value)); err != nil {
			s.log().Error("grant: logout", "err", err)
			writeUnavailable(w, 0, codeStoreUnavailable, "the session could not be ended")
			return
		}
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: !s.cfg.PlainHTTP, SameSite: http.SameSiteStrictMode,
	})
	writeJSON(w, http.StatusOK, struct {
		LoggedOut bool `json:"loggedOut"`
	}{true})
}

// me serves GET /api/me: the user, how many of their orders are granted
// and not revoked, and the wallet.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	sess, ok := s.session(w, r)
	if !ok {
		return
	}
	a, err := s.cfg.Store.Account(r.Context(), sess.UserKey)
	if err != nil {
		s.log().Error("grant: account", "err", err)
		writeUnavailable(w, 0, codeStoreUnavailable, "the wallet cannot be read now")
		return
	}
	type wallet struct {
		Balance int64 `json:"balance"`
	}
	writeJSON(w, http.StatusOK, struct {
		UserKey tossapi.UserKey `json:"userKey"`
		Grants  int             `json:"grants"`
		Wallet  wallet          `json:"wallet"`
	}{sess.UserKey, a.Grants, wallet{a.Balance}})
}
