package grant

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/goiap/goiap/tossapi"
)

// Config configures a Server. Store and Toss are required.
type Config struct {
	Store Store
	Toss  *tossapi.Client
	// Credits is what an sku puts into the wallet (demo: coins); nil
	// credits nothing. The credit is written with the ledger row.
	Credits func(sku string) int64
	// OnRevoke is called once for every order the refund sweep revokes,
	// after the revoke (and its debit) committed. It must not block long.
	OnRevoke func(Record)
	// Dev enables GET /api/grants and GET /api/grants/{orderId}, readable
	// without a session: for inspection, never in production.
	Dev bool
	// PlainHTTP says the server is reached over plain HTTP (a local demo):
	// the session cookie is then not Secure, and the page's own origin is
	// http://host instead of https://host.
	PlainHTTP bool
	// SessionTTL is how long a login lasts, default 24 hours.
	SessionTTL time.Duration
	// AllowedOrigins are origins ("https://app.example") whose requests are
	// served besides the page's own, e.g. the public origin when a proxy
	// rewrites Host. Default: none.
	AllowedOrigins []string
	// SweepWindow is how long after a grant the refund sweep keeps asking
	// Toss about it, default 7 days.
	SweepWindow time.Duration
	// SweepRecheck is the least time between two questions about the same
	// order, default 1 hour.
	SweepRecheck time.Duration
	// SweepBatch bounds the Toss requests of one sweep pass, default 100:
	// at one pass a minute that is a thirtieth of Toss's 3,000 a minute,
	// and only the instance holding the lease sweeps.
	SweepBatch int
	// Now is the clock, default time.Now.
	Now func() time.Time
	// Logger, default slog.Default(). Every answered grant is logged at
	// Info with its order id, hashed user, result, Toss status and latency.
	Logger *slog.Logger
	// HashUser is how a user appears in the log, default UserHasher(nil).
	HashUser func(tossapi.UserKey) string
	// OnGrant, when set, is called with every answered grant request
	// (metrics). It must not block.
	OnGrant func(Grant)
}

// Server serves the grant API and runs the refund sweep.
type Server struct {
	cfg     Config
	origins map[string]bool
	holder  string // this instance's name for the sweep lease
	flights flights
	handler http.Handler
}

// New checks cfg and fills in its defaults.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("grant: Config.Store is required")
	}
	if cfg.Toss == nil {
		return nil, errors.New("grant: Config.Toss is required")
	}
	if cfg.Credits == nil {
		cfg.Credits = func(string) int64 { return 0 }
	}
	if cfg.OnRevoke == nil {
		cfg.OnRevoke = func(Record) {}
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 24 * time.Hour
	}
	if cfg.SweepWindow <= 0 {
		cfg.SweepWindow = 7 * 24 * time.Hour
	}
	if cfg.SweepRecheck <= 0 {
		cfg.SweepRecheck = time.Hour
	}
	if cfg.SweepBatch <= 0 {
		cfg.SweepBatch = 100
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.HashUser == nil {
		cfg.HashUser = UserHasher(nil)
	}
	if cfg.OnGrant == nil {
		cfg.OnGrant = func(Grant) {}
	}
	s := &Server{cfg: cfg, origins: map[string]bool{}, holder: randomHex(8)}
	for _, o := range cfg.AllowedOrigins {
		s.origins[o] = true
	}
	s.handler = s.routes()
	return s, nil
}

// Handler serves the API under /api/. Mount it at the root of the page's
// origin (or under /api/ of a mux).
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	// Patterns carry no method so a wrong method gets a JSON 405.
	mux.HandleFunc("/api/login", only(http.MethodPost, s.login))
	mux.HandleFunc("/api/logout", only(http.MethodPost, s.logout))
	mux.HandleFunc("/api/me", only(http.MethodGet, s.me))
	mux.HandleFunc("/api/grant", only(http.MethodPost, s.grant))
	if s.cfg.Dev {
		mux.HandleFunc("/api/grants", only(http.MethodGet, s.listGrants))
		mux.HandleFunc("/api/grants/{orderId}", only(http.MethodGet, s.getGrant))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, codeNoSuchPath, "no such API path")
	})
	return s.sameOrigin(mux)
}

// only answers other methods with a JSON 405. POST bodies must be JSON: a
// form or text/plain POST is what another site can send without asking.
func only(method string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			w.Header().Set("Allow", method)
			writeError(w, http.StatusMethodNotAllowed, codeMethodNotAllowed, "use "+method)
			return
		}
		if method == http.MethodPost && !isJSON(r.Header.Get("Content-Type")) {
			writeError(w, http.StatusUnsupportedMediaType, codeNotJSON, "the body must be application/json")
			return
		}
		h(w, r)
	}
}

// sameOrigin refuses cross-site requests before anything else looks at
// them, session cookie or not: a browser names the page that sent a request
// in Origin (on POST) and Sec-Fetch-Site; scripts send neither.
func (s *Server) sameOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" {
			if origin != s.ownOrigin(r) && !s.origins[origin] {
				writeError(w, http.StatusForbidden, codeCrossSite, "requests from "+origin+" are not served")
				return
			}
		} else if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
			writeError(w, http.StatusForbidden, codeCrossSite, "cross-site requests are not served")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) ownOrigin(r *http.Request) string {
	if s.cfg.PlainHTTP {
		return "http://" + r.Host
	}
	return "https://" + r.Host
}

func (s *Server) now() time.Time { return s.cfg.Now() }

func (s *Server) log() *slog.Logger { return s.cfg.Logger }

// detached keeps a request's values but not its cancellation, bounded: work
// shared with other requests must not end because the first caller left.
func detached(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), d)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b)
}
