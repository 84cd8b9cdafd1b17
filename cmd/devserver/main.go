//go:build !js && !wasip1

// Command devserver is the native development server for the goiap demo:
// it serves the web directory (index.html, main.wasm, wasm_exec.js and the
// SDK under node_modules) and a partner grant endpoint backed by SQLite that
// records each paid order exactly once.
//
// It is native-only: the build constraint keeps it (and modernc.org/sqlite,
// which has no wasm port) out of GOOS=js builds of ./..., where main.wasm is
// built.
//
// Usage:
//
//	devserver [-addr 127.0.0.1:8080] [-data ./data] [-web web] [-fail-grants]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address (port 0 picks a free port)")
	dataDir := flag.String("data", "./data", "directory for grants.db (created if missing)")
	webDir := flag.String("web", "web", "directory served at /")
	failGrants := flag.Bool("fail-grants", false, "start with POST /api/grant answering 503 (toggle via /api/dev/fail-grants)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "devserver: unexpected arguments: %v\n", flag.Args())
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*addr, *dataDir, *webDir, *failGrants); err != nil {
		fmt.Fprintf(os.Stderr, "devserver: %v\n", err)
		os.Exit(1)
	}
}

func run(addr, dataDir, webDir string, failGrants bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(webDir, "index.html")); err != nil {
		log.Printf("devserver: warning: %v (is -web right?)", err)
	}
	store, err := openStore(filepath.Join(dataDir, "grants.db"))
	if err != nil {
		return err
	}
	defer store.Close()

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           newServer(store, webDir, failGrants).handler(),
		ReadHeaderTimeout: 10 * time.Second,
	}
	// Print the bound address, not the flag, so "-addr 127.0.0.1:0" tells
	// the caller (tests, scripts) where to connect.
	fmt.Printf("goiap dev server: http://%s/\n", ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	stop() // a second Ctrl-C kills the process the default way
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Let in-flight grants finish before the store closes.
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
		log.Printf("devserver: shutdown: %v", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
