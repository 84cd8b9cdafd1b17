//go:build !js && !wasip1

// Command grantserver is the partner's server for a Toss mini-app: it serves
// the web directory (the page, main.wasm, the SDK's modules) and the grant
// API of package grant, which verifies every order with the Apps in Toss
// partner API over mutual TLS before it grants it, once, in a SQLite ledger
// under -data. A refund sweep asks Toss again about recent grants and takes
// refunded ones back.
//
// It is native-only: the build constraint keeps it out of GOOS=js builds of
// ./..., where main.wasm is built.
//
// Usage:
//
//	grantserver -mtls-cert FILE -mtls-key FILE [-toss-api URL] [-toss-ca FILE]
//	            [-addr 127.0.0.1:8080] [-data ./data] [-web web]
//	            [-refund-sweep 5m] [-dev]
//
// Every flag has an environment variable that sets its default (ADDR, DATA,
// WEB, DEV, TOSS_API, MTLS_CERT, MTLS_KEY, TOSS_CA, REFUND_SWEEP, LOG_FORMAT,
// LOG_USER_KEY, OPS_ADDR, and the database's). Logs are log/slog lines,
// text or JSON (-log-format), one per grant with its order id, hashed
// user, result, Toss status and latency. /metrics (Prometheus), /healthz
// and /readyz are served on -addr, or alone on -ops-addr. Once it
// listens it prints one line on stdout, "goiap server: http://ADDR/"; on
// SIGINT or SIGTERM it stops taking requests, lets grants in flight finish,
// and exits.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/goiap/goiap/webroot"
)

func main() {
	cfg, err := parseConfig(os.Args[1:], os.Getenv, os.Stderr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "grantserver: %v\n", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := log.New(os.Stderr, "grantserver: ", log.LstdFlags)
	if err := run(ctx, cfg, os.Stdout, logger); err != nil {
		logger.Printf("%v", err)
		os.Exit(1)
	}
}

// run serves until ctx ends, then shuts down gracefully. Its log lines go
// to logger's writer, as text or JSON (-log-format).
func run(ctx context.Context, cfg config, stdout io.Writer, logger *log.Logger) error {
	slogger := newLogger(cfg.LogFormat, logger.Writer())
	logger = slog.NewLogLogger(slogger.Handler(), slog.LevelInfo)
	slogger.Info("config", "settings", cfg.String())
	if err := checkDataOutsideWeb(cfg.Data, cfg.Web); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(cfg.Web, "index.html")); err != nil {
		logger.Printf("warning: %v (is -web right?)", err)
	}
	static, err := webroot.New(cfg.Web)
	if err != nil {
		return err
	}
	defer static.Close()

	m := newMetrics()
	app, err := openApp(ctx, cfg, slogger, m)
	if err != nil {
		return err
	}
	defer app.Close()
	ready := newReadiness(app.store, app.toss, m)
	ops := func(mux *http.ServeMux) { opsRoutes(mux, m, ready) }

	var dev *devAPI
	if cfg.Dev {
		dev = &devAPI{sim: app.sim, sweep: app.sweepOnce, fail: &failSwitch{}, log: logger}
		dev.fail.on.Store(cfg.FailGrants)
	}
	mainOps := ops
	if cfg.OpsAddr != "" {
		mainOps = nil
	}
	srv := newHTTPServer(routes(m.sessionEvents(app.api), dev, static, mainOps))

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if cfg.OpsAddr != "" {
		opsLn, err := net.Listen("tcp", cfg.OpsAddr)
		if err != nil {
			ln.Close()
			return err
		}
		mux := http.NewServeMux()
		ops(mux)
		opsSrv := newHTTPServer(mux)
		go func() { _ = opsSrv.Serve(opsLn) }()
		defer opsSrv.Close() // after the main server has drained
		slogger.Info("ops endpoints", "url", "http://"+opsLn.Addr().String()+"/")
	}
	sweepCtx, stopSweep := context.WithCancel(context.Background())
	sweepDone := app.startSweep(sweepCtx, cfg.RefundSweep)

	// The bound address, not the flag: "-addr 127.0.0.1:0" tells the
	// caller (tests, scripts) where to connect. Tests read this line.
	fmt.Fprintf(stdout, "goiap server: http://%s/\n", ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		ready.drain()
		logger.Printf("shutting down: finishing requests in flight")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		// Shutdown waits for in-flight grants, which use contexts detached
		// from the request, before the store closes.
		if err := srv.Shutdown(shutdownCtx); err != nil {
			logger.Printf("shutdown: %v", err)
			srv.Close()
		}
		err = <-errc
	}
	stopSweep()
	<-sweepDone
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
