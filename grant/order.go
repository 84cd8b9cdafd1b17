package grant

import (
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/goiap/goiap/tossapi"
)

// grantTimeout bounds one grant's work with Toss and the store; the page
// gives up at 25 s and the Toss app at 30 s.
const grantTimeout = 20 * time.Second

// answer is a grant's outcome, shared by every request in its flight.
type answer struct {
	status int
	wait   time.Duration // Retry-After of a 503
	body   any
	toss   tossapi.Status // what Toss answered, if it was asked
}

type granted struct {
	Granted bool   `json:"granted"`
	OrderID string `json:"orderId"`
	SKU     string `json:"sku"`
}

func refused(status int, code, msg string, st tossapi.Status) answer {
	return answer{status: status, body: errorBody{Code: code, Error: msg, TossStatus: string(st)}, toss: st}
}

func unavailable(wait time.Duration, code, msg string) answer {
	return answer{status: http.StatusServiceUnavailable, wait: wait, body: errorBody{Code: code, Error: msg}}
}

// grant serves POST /api/grant {"orderId", "sku", "subscriptionId"?}.
//
// The session gives the user and the body only the order id: the sku is
// Toss's, whatever the page sent (a page that sent another sku is logged
// and answered with Toss's, so a replay with another sku changes nothing).
func (s *Server) grant(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sess, ok := s.session(w, r)
	if !ok {
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	orderID, err := body.String("orderId", maxFieldSize)
	if err != nil {
		writeBodyError(w, err)
		return
	}
	// The page's sku is advisory (Toss's is recorded): it may be left out.
	pageSKU, err := body.OptionalString("sku", maxFieldSize)
	if err != nil {
		writeBodyError(w, err)
		return
	}
	if _, err := body.OptionalString("subscriptionId", maxFieldSize); err != nil {
		writeBodyError(w, err)
		return
	}
	// Requests for one order of one user share one look-up: a burst of
	// retries asks Toss once. The ledger's unique order id is what makes
	// the grant exactly-once across instances; this only saves requests.
	a := s.flights.do(sess.UserKey.String()+"/"+orderID, func() answer {
		return s.decide(r, sess.UserKey, orderID)
	})
	if ga, ok := a.body.(granted); ok && pageSKU != nil && ga.SKU != *pageSKU {
		s.log().Warn("grant: the page named another sku than Toss", "orderId", orderID, "pageSku", *pageSKU, "tossSku", ga.SKU)
	}
	if a.status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfterSeconds(a.wait))
	}
	writeJSON(w, a.status, a.body)
	s.observeGrant(Grant{OrderID: orderID, User: sess.UserKey, Result: resultOf(a), TossStatus: a.toss, Latency: time.Since(start)})
}

// decide grants orderID to user if the ledger or Toss says it may.
func (s *Server) decide(r *http.Request, user tossapi.UserKey, orderID string) answer {
	ctx, cancel := detached(r.Context(), grantTimeout)
	defer cancel()

	// The ledger first: a repeat is answered without asking Toss again.
	rec, err := s.cfg.Store.Record(ctx, orderID)
	switch {
	case err == nil:
		return s.recorded(rec, user)
	case !errors.Is(err, ErrNotFound):
		s.log().Error("grant: read ledger", "orderId", orderID, "err", err)
		return unavailable(0, codeStoreUnavailable, "the ledger cannot be read now")
	}

	st, err := s.cfg.Toss.GetOrderStatus(ctx, orderID, user)
	if err != nil {
		s.log().Warn("grant: order status", "orderId", orderID, "err", err)
		return unavailable(tossRetryAfter(err), codeTossUnavailable, "Toss cannot be asked now; the order stays pending")
	}
	if st.OrderID != orderID {
		s.log().Error("grant: Toss answered about another order", "orderId", orderID, "answered", st.OrderID)
		return unavailable(0, codeTossBadAnswer, "Toss answered about another order")
	}
	switch st.Status {
	case tossapi.StatusPurchased, tossapi.StatusPaymentCompleted:
		// Paid: below.
	case tossapi.StatusNotFound:
		// With the user's key Toss finds only that user's orders: another
		// user's order not yet in the ledger is NOT_FOUND too.
		return refused(http.StatusNotFound, codeOrderNotFound, "Toss knows no such order of this user", st.Status)
	case tossapi.StatusMiniAppMismatch:
		return refused(http.StatusForbidden, codeMiniAppMismatch, "the order belongs to another mini-app", st.Status)
	case tossapi.StatusFailed:
		return refused(http.StatusConflict, codeOrderFailed, "the payment failed", st.Status)
	case tossapi.StatusRefunded:
		return refused(http.StatusConflict, codeOrderRefunded, "the order was refunded", st.Status)
	default: // ORDER_IN_PROGRESS, ERROR, and any status this code does not know
		return refused(http.StatusServiceUnavailable, codeOrderPending, "Toss has not settled the order yet; it stays pending", st.Status)
	}
	if st.SKU == "" {
		s.log().Error("grant: Toss said paid without an sku", "orderId", orderID)
		return unavailable(0, codeTossBadAnswer, "Toss named no sku")
	}
	stored, _, err := s.cfg.Store.Grant(ctx, Record{
		OrderID: orderID, UserKey: user, SKU: st.SKU,
		Credit: s.cfg.Credits(st.SKU), GrantedAt: s.now(),
	})
	if err != nil {
		s.log().Error("grant: record", "orderId", orderID, "err", err)
		a := unavailable(0, codeStoreUnavailable, "the grant could not be recorded; the order stays pending")
		a.toss = st.Status
		return a
	}
	a := s.recorded(stored, user)
	a.toss = st.Status
	return a
}

// recorded answers for an order already in the ledger: the same answer as
// when it was granted, unless it is another user's or was revoked.
func (s *Server) recorded(rec Record, user tossapi.UserKey) answer {
	switch {
	case rec.UserKey != user:
		return refused(http.StatusForbidden, codeOtherUser, "the order was granted to another user", "")
	case !rec.RevokedAt.IsZero():
		return refused(http.StatusConflict, codeOrderRefunded, "the order was refunded and its grant revoked", tossapi.StatusRefunded)
	}
	return answer{status: http.StatusOK, body: granted{Granted: true, OrderID: rec.OrderID, SKU: rec.SKU}}
}

// tossRetryAfter is how long Toss asked to wait, if it said.
func tossRetryAfter(err error) time.Duration {
	var te *tossapi.Error
	if errors.As(err, &te) {
		return te.RetryAfter
	}
	return 0
}

// flights runs one call per key at a time; callers arriving while it runs
// share its answer.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

type flight struct {
	done chan struct{}
	a    answer
}

func (f *flights) do(key string, fn func() answer) answer {
	f.mu.Lock()
	if c, ok := f.m[key]; ok {
		f.mu.Unlock()
		<-c.done
		return c.a
	}
	if f.m == nil {
		f.m = map[string]*flight{}
	}
	// The answer if fn panics: the waiters still get one.
	c := &flight{done: make(chan struct{}), a: unavailable(0, "internal", "the grant failed; try again")}
	f.m[key] = c
	f.mu.Unlock()

	defer func() {
		f.mu.Lock()
		delete(f.m, key)
		f.mu.Unlock()
		close(c.done)
	}()
	c.a = fn()
	return c.a
}
