//go:build !js && !wasip1

// Command tosssim runs the fake Apps in Toss partner API (tossapitest) as its
// own process, so that a server under development speaks real mutual TLS to
// something that behaves like Toss.
//
// On first start it writes under -data: ca.pem (the CA to trust, for the
// grant server's -toss-ca), client.pem and client-key.pem (a client
// certificate the simulator accepts, for -mtls-cert and -mtls-key), its CA
// key and its own certificate. They are kept across restarts, and so are
// users and orders (state.json, rewritten after each change).
//
// When it listens it prints exactly one line on stdout,
//
//	toss simulator: https://127.0.0.1:PORT/
//
// and serves until SIGINT or SIGTERM. The control API under /sim/v1/ (see
// tossapitest.Remote) adds users, login codes, orders, refunds and faults.
//
// Usage:
//
//	tosssim [-addr 127.0.0.1:0] [-data ./data/tosssim]
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/goiap/goiap/tossapi/tossapitest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	dir := flag.String("data", "./data/tosssim", "directory for the certificates and state.json (created if missing)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "tosssim: unexpected arguments: %v\n", flag.Args())
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *dir, os.Stdout, log.New(os.Stderr, "tosssim: ", log.LstdFlags)); err != nil {
		fmt.Fprintf(os.Stderr, "tosssim: %v\n", err)
		os.Exit(1)
	}
}

// The files under the data directory.
const (
	caFile         = "ca.pem"
	caKeyFile      = "ca-key.pem"
	clientFile     = "client.pem"
	clientKeyFile  = "client-key.pem"
	serverFile     = "server.pem"
	serverKeyFile  = "server-key.pem"
	stateFile      = "state.json"
	clientCertName = "goiap partner server"
)

// run serves until ctx ends.
func run(ctx context.Context, addr, dir string, stdout io.Writer, logger *log.Logger) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	path := func(name string) string { return filepath.Join(dir, name) }

	caCert, caKey, err := readPair(path(caFile), path(caKeyFile))
	if err != nil {
		return err
	}
	if caCert == nil {
		if caCert, caKey, err = tossapitest.NewCA(); err != nil {
			return err
		}
		// The key first: a ca.pem without its key would be useless.
		if err := writeAtomic(path(caKeyFile), caKey); err != nil {
			return err
		}
		if err := writeAtomic(path(caFile), caCert); err != nil {
			return err
		}
	}
	serverCert, serverKey, err := readPair(path(serverFile), path(serverKeyFile))
	if err != nil {
		return err
	}
	state, err := readOptional(path(stateFile))
	if err != nil {
		return err
	}
	s, err := tossapitest.Start(tossapitest.Options{
		Addr:      addr,
		CACertPEM: caCert, CAKeyPEM: caKey,
		CertPEM: serverCert, KeyPEM: serverKey,
		State: state,
		Save: func(b []byte) {
			if err := writeAtomic(path(stateFile), b); err != nil {
				logger.Printf("saving state: %v", err)
			}
		},
		ErrorLog: logger,
	})
	if err != nil {
		return err
	}
	defer s.Close()

	if newCert, newKey := s.CertificatePEM(); string(newCert) != string(serverCert) {
		if err := writeAtomic(path(serverKeyFile), newKey); err != nil {
			return err
		}
		if err := writeAtomic(path(serverFile), newCert); err != nil {
			return err
		}
	}
	if err := ensureClientCert(s, path(clientFile), path(clientKeyFile)); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(stdout, "toss simulator: %s/\n", s.URL); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

// ensureClientCert writes a client certificate unless a valid one of this
// CA is there: the partner server's files stay valid across restarts.
func ensureClientCert(s *tossapitest.Server, certFile, keyFile string) error {
	cert, key, err := readPair(certFile, keyFile)
	if err != nil {
		return err
	}
	if cert != nil && clientCertValid(s.CACertPEM(), cert, key) {
		return nil
	}
	cert, key, err = s.IssueClientCert(clientCertName)
	if err != nil {
		return err
	}
	if err := writeAtomic(keyFile, key); err != nil {
		return err
	}
	return writeAtomic(certFile, cert)
}

// clientCertValid reports whether a certificate and key match, were signed
// by the CA and stay valid for a day yet.
func clientCertValid(caPEM, certPEM, keyPEM []byte) bool {
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return false
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return false
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return false
	}
	_, err = leaf.Verify(x509.VerifyOptions{
		Roots:       roots,
		CurrentTime: time.Now().Add(24 * time.Hour),
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	return err == nil
}

// readPair reads a certificate and its key; both nil if either is missing.
func readPair(certFile, keyFile string) (cert, key []byte, err error) {
	if cert, err = readOptional(certFile); err != nil || cert == nil {
		return nil, nil, err
	}
	if key, err = readOptional(keyFile); err != nil || key == nil {
		return nil, nil, err
	}
	return cert, key, nil
}

func readOptional(name string) ([]byte, error) {
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// writeAtomic replaces a file with data through a synced temporary file and
// a rename, so a crash leaves the old file or the new one, never half.
func writeAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}
