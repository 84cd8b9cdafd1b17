//go:build !js && !wasip1

// The server's settings: flags, each with an environment variable that
// sets its default, checked before anything starts.

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/goiap/goiap/tossapi"
)

// config is what the flags say.
type config struct {
	Addr        string
	Data        string
	Web         string
	Dev         bool
	FailGrants  bool
	TossAPI     string
	MTLSCert    string
	MTLSKey     string
	TossCA      string
	RefundSweep time.Duration
	Store       storeConfig // the ledger's database (store.go)
	LogFormat   string      // "text" or "json"
	LogUserKey  string      // the key of the users' hashes in the log
	OpsAddr     string      // /metrics, /healthz, /readyz on their own listener; empty: on Addr
}

// errUsage is a command line the server cannot run with.
var errUsage = errors.New("usage")

// parseConfig reads args, with getenv giving the defaults.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("grantserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	envBool := func(name string) (bool, error) {
		v := getenv(name)
		if v == "" {
			return false, nil
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			return false, fmt.Errorf("%w: %s=%q is not a boolean", errUsage, name, v)
		}
		return b, nil
	}
	dev, err := envBool("DEV")
	if err != nil {
		return c, err
	}
	sweep := 5 * time.Minute
	if v := getenv("REFUND_SWEEP"); v != "" {
		if sweep, err = time.ParseDuration(v); err != nil {
			return c, fmt.Errorf("%w: REFUND_SWEEP=%q: %v", errUsage, v, err)
		}
	}
	fs.StringVar(&c.Addr, "addr", env("ADDR", "127.0.0.1:8080"), "listen address, port 0 picks a free one (ADDR)")
	fs.StringVar(&c.Data, "data", env("DATA", "./data"), "directory for grants.db, created if missing; never inside -web (DATA)")
	fs.StringVar(&c.Web, "web", env("WEB", "web"), "directory served at / (WEB)")
	fs.BoolVar(&c.Dev, "dev", dev, "dev mode: /api/dev/* (the Toss simulator's controls, the refund sweep on demand) and /api/grants (DEV)")
	fs.BoolVar(&c.FailGrants, "fail-grants", false, "dev mode: start with POST /api/grant answering 503 (toggled by /api/dev/fail-grants)")
	fs.StringVar(&c.TossAPI, "toss-api", env("TOSS_API", tossapi.DefaultBaseURL), "base URL of the Apps in Toss partner API (TOSS_API)")
	fs.StringVar(&c.MTLSCert, "mtls-cert", env("MTLS_CERT", ""), "PEM client certificate from the Apps in Toss console (MTLS_CERT)")
	fs.StringVar(&c.MTLSKey, "mtls-key", env("MTLS_KEY", ""), "PEM private key of -mtls-cert (MTLS_KEY)")
	fs.StringVar(&c.TossCA, "toss-ca", env("TOSS_CA", ""), "extra root CA (PEM) to trust for -toss-api, for simulators and tests (TOSS_CA)")
	fs.DurationVar(&c.RefundSweep, "refund-sweep", sweep, "how often to ask Toss again about recent grants to revoke refunded ones; 0 turns it off (REFUND_SWEEP)")
	fs.StringVar(&c.LogFormat, "log-format", env("LOG_FORMAT", "text"), "log lines as text or json (LOG_FORMAT)")
	fs.StringVar(&c.LogUserKey, "log-user-key", env("LOG_USER_KEY", ""), "secret keying the users' hashes in the log, the same on every instance; empty: random per process (LOG_USER_KEY)")
	fs.StringVar(&c.OpsAddr, "ops-addr", env("OPS_ADDR", ""), "listen address for /metrics, /healthz and /readyz alone, e.g. a private port; empty: served on -addr (OPS_ADDR)")
	if err := c.Store.register(fs, getenv); err != nil {
		return c, err
	}
	if err := fs.Parse(args); err != nil {
		return c, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	return c, c.check()
}

// check refuses settings the server must not run with.
func (c config) check() error {
	if c.MTLSCert == "" || c.MTLSKey == "" {
		return fmt.Errorf("%w: -mtls-cert and -mtls-key are required: the client certificate is the partner's only credential with Toss (make run starts a simulator and passes its own)", errUsage)
	}
	u, err := url.Parse(c.TossAPI)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%w: -toss-api %q: want an https:// URL", errUsage, c.TossAPI)
	}
	if c.RefundSweep < 0 {
		return fmt.Errorf("%w: -refund-sweep %v is negative", errUsage, c.RefundSweep)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("%w: -log-format %q: want text or json", errUsage, c.LogFormat)
	}
	if c.FailGrants && !c.Dev {
		return fmt.Errorf("%w: -fail-grants needs -dev", errUsage)
	}
	return c.Store.check()
}

// String shows the settings for the start-up log, with the key file's path
// and any credentials in the URL masked.
func (c config) String() string {
	api := c.TossAPI
	if u, err := url.Parse(c.TossAPI); err == nil {
		api = u.Redacted()
	}
	masked := func(s string) string {
		if s == "" {
			return "(none)"
		}
		return "(set, masked)"
	}
	orNone := func(s string) string {
		if s == "" {
			return "(none)"
		}
		return s
	}
	sweep := c.RefundSweep.String()
	if c.RefundSweep == 0 {
		sweep = "off"
	}
	return strings.Join([]string{
		"addr=" + c.Addr, "data=" + c.Data, "web=" + c.Web, "dev=" + strconv.FormatBool(c.Dev),
		"toss-api=" + api, "mtls-cert=" + orNone(c.MTLSCert), "mtls-key=" + masked(c.MTLSKey),
		"toss-ca=" + orNone(c.TossCA), "refund-sweep=" + sweep, c.Store.String(),
		"log-format=" + c.LogFormat, "log-user-key=" + masked(c.LogUserKey), "ops-addr=" + orNone(c.OpsAddr),
	}, " ")
}

// errDataInWeb: the database would be served as a static file.
var errDataInWeb = errors.New("the data directory is inside the web directory")

// checkDataOutsideWeb creates data if needed and refuses it anywhere under
// web (symbolic links resolved on both sides).
func checkDataOutsideWeb(data, web string) error {
	if err := os.MkdirAll(data, 0o700); err != nil {
		return err
	}
	d, err := realPath(data)
	if err != nil {
		return err
	}
	w, err := realPath(web)
	if err != nil {
		return fmt.Errorf("web directory: %w", err)
	}
	rel, err := filepath.Rel(w, d)
	if err != nil {
		return nil // different volumes
	}
	if rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))) {
		return fmt.Errorf("%w: -data %s is under -web %s", errDataInWeb, data, web)
	}
	return nil
}

func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}
