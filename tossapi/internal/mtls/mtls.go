// Package mtls builds the HTTP transport of the partner API clients: a client
// certificate read from PEM files and read again when the files change, and
// the system roots plus an optional extra CA.
package mtls

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"
)

// Reloader holds the client certificate of a certificate and key file pair.
// It compares the files' size and modification time before each handshake,
// which costs two stat calls and needs no goroutine, and loads them again
// when they changed. A pair that fails to load (say, the certificate was
// rewritten but not the key yet) leaves the previous certificate in use.
type Reloader struct {
	certFile, keyFile string

	mu      sync.Mutex
	cert    *tls.Certificate
	stamp   stamp
	lastErr error
}

type stamp struct {
	certSize, keySize int64
	certMod, keyMod   time.Time
}

// NewReloader loads the pair once, so that a bad path fails at start.
func NewReloader(certFile, keyFile string) (*Reloader, error) {
	if certFile == "" || keyFile == "" {
		return nil, errors.New("mtls: a client certificate file and key file are required")
	}
	r := &Reloader{certFile: certFile, keyFile: keyFile}
	if _, err := r.Current(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Reloader) stat() (stamp, error) {
	c, err := os.Stat(r.certFile)
	if err != nil {
		return stamp{}, err
	}
	k, err := os.Stat(r.keyFile)
	if err != nil {
		return stamp{}, err
	}
	return stamp{certSize: c.Size(), keySize: k.Size(), certMod: c.ModTime(), keyMod: k.ModTime()}, nil
}

// Changed reports whether the files differ from the loaded pair.
func (r *Reloader) Changed() bool {
	st, err := r.stat()
	r.mu.Lock()
	defer r.mu.Unlock()
	return err == nil && st != r.stamp
}

// Current returns the certificate, loading the files again if they changed.
func (r *Reloader) Current() (*tls.Certificate, error) {
	st, statErr := r.stat()
	r.mu.Lock()
	defer r.mu.Unlock()
	if statErr == nil && (r.cert == nil || st != r.stamp) {
		cert, err := tls.LoadX509KeyPair(r.certFile, r.keyFile)
		if err == nil {
			r.cert, r.stamp, r.lastErr = &cert, st, nil
		} else {
			r.lastErr = err
		}
	} else if statErr != nil {
		r.lastErr = statErr
	}
	if r.cert == nil {
		return nil, fmt.Errorf("mtls: client certificate: %w", r.lastErr)
	}
	return r.cert, nil
}

// TLSConfig trusts the system roots plus caFile (optional, PEM) and presents
// the reloader's certificate.
func TLSConfig(r *Reloader, caFile string) (*tls.Config, error) {
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("mtls: CA file: %w", err)
		}
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("mtls: CA file %s holds no PEM certificate", caFile)
		}
	}
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		RootCAs:    roots,
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			return r.Current()
		},
	}, nil
}

// NewTransport is an http.Transport over TLSConfig.
func NewTransport(certFile, keyFile, caFile string) (*http.Transport, *Reloader, error) {
	r, err := NewReloader(certFile, keyFile)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := TLSConfig(r, caFile)
	if err != nil {
		return nil, nil, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = cfg
	t.ForceAttemptHTTP2 = true
	t.MaxIdleConnsPerHost = 16
	return t, r, nil
}
