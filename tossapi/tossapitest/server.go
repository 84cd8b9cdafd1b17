package tossapitest

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/goiap/goiap/tossapi"
)

// Server is a fake Apps in Toss partner API over TLS that requires a client
// certificate signed by its own CA, as the real one requires the mini-app's.
type Server struct {
	// URL is the base URL, https://127.0.0.1:port, without a trailing slash.
	URL string

	ca          *authority
	certPEM     []byte
	keyPEM      []byte
	listener    net.Listener
	http        *http.Server
	control     http.Handler
	save        func([]byte)
	closeOnce   sync.Once
	serveResult chan error

	mu      sync.Mutex
	now     func() time.Time
	st      state
	faults  []*activeFault
	calls   map[string]int
	serials []*big.Int
}

// Options configure Start. The zero value is what NewServer uses.
type Options struct {
	// Addr is the address to listen on, default "127.0.0.1:0".
	Addr string
	// CACertPEM and CAKeyPEM are the CA (see NewCA); a new one when empty.
	CACertPEM, CAKeyPEM []byte
	// CertPEM and KeyPEM are the server's certificate; when empty, or not
	// signed by the CA, or about to expire, a new one is issued.
	CertPEM, KeyPEM []byte
	// State is a snapshot handed to Save before, to start from.
	State []byte
	// Save, when set, is called with a snapshot of the state after every
	// change, one call at a time, in order.
	Save func(state []byte)
	// ErrorLog receives the HTTP server's errors (handshake refusals among
	// them); default: discarded.
	ErrorLog *log.Logger
}

// NewServer starts a fake on 127.0.0.1 with a new CA. It panics if it cannot
// listen, as httptest.NewServer does. Close it when done.
func NewServer() *Server {
	s, err := Start(Options{})
	if err != nil {
		panic(err)
	}
	return s
}

// Start starts a fake with options.
func Start(opts Options) (*Server, error) {
	if opts.CACertPEM == nil {
		var err error
		if opts.CACertPEM, opts.CAKeyPEM, err = NewCA(); err != nil {
			return nil, err
		}
	}
	ca, err := parseAuthority(opts.CACertPEM, opts.CAKeyPEM)
	if err != nil {
		return nil, err
	}
	s := &Server{
		ca: ca, now: time.Now, save: opts.Save,
		calls: map[string]int{}, st: newState(), serveResult: make(chan error, 1),
	}
	if opts.State != nil {
		if err := json.Unmarshal(opts.State, &s.st); err != nil {
			return nil, fmt.Errorf("tossapitest: state: %w", err)
		}
		s.st.fill()
	}
	pair, err := ca.verifyServer(opts.CertPEM, opts.KeyPEM)
	if opts.CertPEM == nil || err != nil {
		if opts.CertPEM, opts.KeyPEM, err = ca.issue("tossapitest server", true); err != nil {
			return nil, err
		}
		if pair, err = tls.X509KeyPair(opts.CertPEM, opts.KeyPEM); err != nil {
			return nil, err
		}
	}
	s.certPEM, s.keyPEM = opts.CertPEM, opts.KeyPEM
	clientCAs := x509.NewCertPool()
	clientCAs.AddCert(ca.cert)

	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("tossapitest: %w", err)
	}
	errorLog := opts.ErrorLog
	if errorLog == nil {
		errorLog = log.New(io.Discard, "", 0)
	}
	s.control = s.controlHandler()
	s.http = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          errorLog,
		TLSConfig: &tls.Config{
			MinVersion:   tls.VersionTLS12,
			Certificates: []tls.Certificate{pair},
			ClientAuth:   tls.RequireAndVerifyClientCert,
			ClientCAs:    clientCAs,
			VerifyConnection: func(cs tls.ConnectionState) error {
				if len(cs.PeerCertificates) > 0 {
					s.mu.Lock()
					s.serials = append(s.serials, cs.PeerCertificates[0].SerialNumber)
					s.mu.Unlock()
				}
				return nil
			},
		},
	}
	s.listener = ln
	s.URL = "https://" + ln.Addr().String()
	go func() { s.serveResult <- s.http.ServeTLS(ln, "", "") }()
	return s, nil
}

// Close stops the server at once, cutting open connections.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		_ = s.http.Close()
		<-s.serveResult
	})
}

// CACertPEM is the CA certificate clients must trust (Config.CAFile).
func (s *Server) CACertPEM() []byte { return s.ca.certPEM }

// CertificatePEM is the server's own certificate and key.
func (s *Server) CertificatePEM() (certPEM, keyPEM []byte) { return s.certPEM, s.keyPEM }

// IssueClientCert signs a new client certificate (ECDSA P-256, PKCS#8 key)
// that the server accepts.
func (s *Server) IssueClientCert(commonName string) (certPEM, keyPEM []byte, err error) {
	return s.ca.issue(commonName, false)
}

// Config writes a new client certificate, its key and the CA to files in
// t.TempDir() and returns a client configuration for this server (see
// WriteConfig).
func (s *Server) Config(t testing.TB) tossapi.Config {
	t.Helper()
	cfg, err := s.WriteConfig(t.TempDir())
	if err != nil {
		t.Fatalf("tossapitest: %v", err)
	}
	return cfg
}

// WriteConfig writes a new client certificate (client.pem), its key
// (client-key.pem) and the CA (ca.pem) to dir and returns a client
// configuration for this server. Its MinBackoff is 10ms, to keep retrying
// tests quick.
func (s *Server) WriteConfig(dir string) (tossapi.Config, error) {
	certPEM, keyPEM, err := s.IssueClientCert("tossapitest client")
	if err != nil {
		return tossapi.Config{}, err
	}
	cfg := tossapi.Config{
		BaseURL:    s.URL,
		CertFile:   filepath.Join(dir, "client.pem"),
		KeyFile:    filepath.Join(dir, "client-key.pem"),
		CAFile:     filepath.Join(dir, "ca.pem"),
		MinBackoff: 10 * time.Millisecond,
	}
	for name, data := range map[string][]byte{cfg.CertFile: certPEM, cfg.KeyFile: keyPEM, cfg.CAFile: s.CACertPEM()} {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			return tossapi.Config{}, fmt.Errorf("tossapitest: %w", err)
		}
	}
	return cfg, nil
}

// ClientCertSerials lists the serial number of the client certificate of
// every TLS handshake so far, in order: a test of certificate rotation sees
// the new one appear.
func (s *Server) ClientCertSerials() []*big.Int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*big.Int(nil), s.serials...)
}

// SetClock replaces the server's clock (expiry of codes and tokens, order
// times); nil restores time.Now.
func (s *Server) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	s.mu.Lock()
	s.now = now
	s.mu.Unlock()
}

// Calls counts the requests to a partner API path so far (tossapi.PathOrderStatus,
// ...), those answered by a fault included.
func (s *Server) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}

// changed hands a snapshot to Save; the caller holds s.mu, so snapshots are
// saved in the order of the changes.
func (s *Server) changed() {
	if s.save == nil {
		return
	}
	b, err := json.Marshal(&s.st)
	if err != nil {
		panic(err) // the state is plain data
	}
	s.save(b)
}
