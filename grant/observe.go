package grant

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/goiap/goiap/tossapi"
)

// Grant is one answered POST /api/grant, for Config.OnGrant and the log.
type Grant struct {
	OrderID string
	User    tossapi.UserKey
	// Result is "granted" or the answer's code (order_not_found,
	// toss_unavailable, ...): few and fixed, fit for a metric label.
	Result string
	// TossStatus is the order status Toss answered, empty when Toss was
	// not asked (a repeat answered from the ledger, or Toss down).
	TossStatus tossapi.Status
	Latency    time.Duration
}

// UserHasher returns how users appear in logs: a keyed hash of the user
// key, so lines of one user can be followed without the key itself (a
// plain hash of a nine-digit number is undone by trying them all).
// Instances given the same key write the same hashes; a nil key draws a
// random one, good for one process.
func UserHasher(key []byte) func(tossapi.UserKey) string {
	if len(key) == 0 {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	return func(u tossapi.UserKey) string {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(u.String()))
		return hex.EncodeToString(m.Sum(nil)[:8])
	}
}

// observeGrant logs an answered grant and hands it to OnGrant.
func (s *Server) observeGrant(g Grant) {
	s.log().Info("grant", "orderId", g.OrderID, "user", s.cfg.HashUser(g.User), "result", g.Result,
		"tossStatus", string(g.TossStatus), "latencyMs", float64(g.Latency.Microseconds())/1000)
	s.cfg.OnGrant(g)
}

// resultOf is the Result of an answer.
func resultOf(a answer) string {
	switch b := a.body.(type) {
	case granted:
		return "granted"
	case errorBody:
		return b.Code
	}
	return "unknown"
}
