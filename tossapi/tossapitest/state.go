package tossapitest

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"time"

	"github.com/goiap/goiap/tossapi"
)

// Lifetimes Toss documents: login codes 10 minutes, access tokens an hour,
// refresh tokens 14 days.
const (
	CodeLifetime    = 10 * time.Minute
	AccessLifetime  = time.Hour
	RefreshLifetime = 14 * 24 * time.Hour
)

// state is everything the fake remembers; it is plain data so that Save can
// write it and Options.State restore it.
type state struct {
	Users  map[tossapi.UserKey]bool `json:"users"`
	Codes  map[string]*loginCode    `json:"codes"`
	Tokens map[string]*token        `json:"tokens"`
	Orders map[string]*order        `json:"orders"`
}

type loginCode struct {
	User    tossapi.UserKey `json:"userKey"`
	Expires time.Time       `json:"expires"`
	Used    bool            `json:"used"`
}

type token struct {
	User    tossapi.UserKey `json:"userKey"`
	Refresh bool            `json:"refresh"`
	Expires time.Time       `json:"expires"`
}

type order struct {
	User         tossapi.UserKey `json:"userKey"`
	SKU          string          `json:"sku"`
	Status       tossapi.Status  `json:"status"`
	DeterminedAt time.Time       `json:"statusDeterminedAt"`
	OtherMiniApp bool            `json:"otherMiniApp,omitempty"`
}

func newState() state {
	var st state
	st.fill()
	return st
}

func (st *state) fill() {
	if st.Users == nil {
		st.Users = map[tossapi.UserKey]bool{}
	}
	if st.Codes == nil {
		st.Codes = map[string]*loginCode{}
	}
	if st.Tokens == nil {
		st.Tokens = map[string]*token{}
	}
	if st.Orders == nil {
		st.Orders = map[string]*order{}
	}
}

// errUnknownOrder is the control API's 404.
var errUnknownOrder = errors.New("unknown order")

func secret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// AddUser adds a user with a new key (nine digits, as Toss's look).
func (s *Server) AddUser() tossapi.UserKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		k := tossapi.UserKey(100_000_000 + mathrand.Int64N(900_000_000))
		if !s.st.Users[k] {
			s.st.Users[k] = true
			s.changed()
			return k
		}
	}
}

// AddUserKey adds a user with a chosen key, say one above 2^53 to test that
// it stays exact.
func (s *Server) AddUserKey(k tossapi.UserKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addUserLocked(k)
}

func (s *Server) addUserLocked(k tossapi.UserKey) {
	if !s.st.Users[k] {
		s.st.Users[k] = true
		s.changed()
	}
}

// NewLoginCode makes the authorization code appLogin() would give the user:
// single use, valid 10 minutes, any referrer. An unknown user is added;
// NoUser gets a new user.
func (s *Server) NewLoginCode(user tossapi.UserKey) string {
	if user == tossapi.NoUser {
		user = s.AddUser()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addUserLocked(user)
	code := secret()
	s.st.Codes[code] = &loginCode{User: user, Expires: s.now().Add(CodeLifetime)}
	s.changed()
	return code
}

// AddOrder registers an order of this mini-app for the user (added if
// unknown) with a status, as a purchase would, and returns its id (a UUID
// v7). It panics for NoUser.
func (s *Server) AddOrder(user tossapi.UserKey, sku string, status tossapi.Status) string {
	return s.addOrder(user, sku, status, false)
}

// AddOtherMiniAppOrder registers an order of another mini-app: asking for
// it answers MINIAPP_MISMATCH.
func (s *Server) AddOtherMiniAppOrder(user tossapi.UserKey, sku string, status tossapi.Status) string {
	return s.addOrder(user, sku, status, true)
}

func (s *Server) addOrder(user tossapi.UserKey, sku string, status tossapi.Status, other bool) string {
	if user == tossapi.NoUser {
		panic("tossapitest: an order needs a user")
	}
	if status == "" {
		status = tossapi.StatusPaymentCompleted
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addUserLocked(user)
	now := s.now()
	id := newOrderID(now)
	s.st.Orders[id] = &order{User: user, SKU: sku, Status: status, DeterminedAt: now, OtherMiniApp: other}
	s.changed()
	return id
}

// SetStatus changes an order's status (and its statusDeterminedAt to now).
// It panics for an unknown order.
func (s *Server) SetStatus(orderID string, st tossapi.Status) {
	if err := s.setStatus(orderID, st); err != nil {
		panic(fmt.Sprintf("tossapitest: SetStatus %s: %v", orderID, err))
	}
}

// Refund refunds an order: REFUNDED, determined now. It panics for an
// unknown order.
func (s *Server) Refund(orderID string) { s.SetStatus(orderID, tossapi.StatusRefunded) }

func (s *Server) setStatus(orderID string, st tossapi.Status) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.st.Orders[orderID]
	if !ok {
		return errUnknownOrder
	}
	o.Status, o.DeterminedAt = st, s.now()
	s.changed()
	return nil
}

// Order answers an order's user, sku and status, and whether it exists.
func (s *Server) Order(orderID string) (user tossapi.UserKey, sku string, status tossapi.Status, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.st.Orders[orderID]
	if !ok {
		return 0, "", "", false
	}
	return o.User, o.SKU, o.Status, true
}
