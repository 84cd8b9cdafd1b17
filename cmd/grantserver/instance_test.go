//go:build !js && !wasip1

// Grant server processes for the tests that start several: build, start,
// SIGKILL, and the requests a page would send.

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/tossapi/tossapitest"
)

func postGrantResponse(t *testing.T, ctx context.Context, client *http.Client, base, cookie, orderID string) *http.Response {
	t.Helper()
	body := fmt.Sprintf(`{"orderId":%q,"sku":"item_coin_100"}`, orderID)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/grant", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Cookie", cookie)
	resp, err := client.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// serverArgs are the flags of an instance on the ledger at dbURL, talking
// to sim, serving an empty page.
func serverArgs(t *testing.T, sim *tossapitest.Server, dbURL string) []string {
	t.Helper()
	toss := sim.Config(t)
	web := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(web, "index.html"), []byte("<!doctype html>"), 0o600))
	return []string{"-toss-api", toss.BaseURL, "-mtls-cert", toss.CertFile, "-mtls-key", toss.KeyFile,
		"-toss-ca", toss.CAFile, "-db", dbURL, "-web", web}
}

// buildServer compiles this command once for the test.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "grantserver")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// instance is one grant server process.
type instance struct {
	cmd    *exec.Cmd
	addr   string
	stderr *lockedBuffer
	done   chan struct{}
}

func mustStart(t *testing.T, bin, addr string, args []string) *instance {
	t.Helper()
	in, err := startInstance(t, bin, addr, args)
	require.NoError(t, err)
	return in
}

// startInstance starts bin on addr and waits for its "listening" line.
func startInstance(t *testing.T, bin, addr string, args []string) (*instance, error) {
	in := &instance{stderr: &lockedBuffer{}, done: make(chan struct{})}
	in.cmd = exec.Command(bin, append([]string{"-addr", addr, "-data", t.TempDir()}, args...)...)
	in.cmd.Env = append(os.Environ(), "DATABASE_URL=", "DEV=")
	in.cmd.Stderr = in.stderr
	stdout, err := in.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := in.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = in.cmd.Wait(); close(in.done) }()
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case l, ok := <-line:
		if !ok {
			in.stop()
			return nil, fmt.Errorf("grant server on %s exited before listening:\n%s", addr, in.log())
		}
		in.addr = strings.TrimSuffix(strings.TrimPrefix(l, "goiap server: http://"), "/")
	case <-time.After(20 * time.Second):
		in.stop()
		return nil, fmt.Errorf("grant server on %s did not start:\n%s", addr, in.log())
	}
	return in, nil
}

func (in *instance) url() string { return "http://" + in.addr }
func (in *instance) log() string { return in.stderr.String() }

// kill is SIGKILL: no shutdown, no rollback from the process itself.
func (in *instance) kill() {
	_ = in.cmd.Process.Kill()
	<-in.done
}

func (in *instance) stop() {
	select {
	case <-in.done:
		return
	default:
	}
	_ = in.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-in.done:
	case <-time.After(10 * time.Second):
		in.kill()
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// dropped: the instance was not there (refused) or died mid-request.
func dropped(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.EPIPE)
}

func login(t *testing.T, client *http.Client, base, code string) string {
	t.Helper()
	body := fmt.Sprintf(`{"authorizationCode":%q,"referrer":"SANDBOX"}`, code)
	resp, err := client.Post(base+"/api/login", "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", b)
	// The cookie is Secure outside dev mode; this client sends it by hand.
	for _, c := range resp.Cookies() {
		return c.Name + "=" + c.Value
	}
	t.Fatal("login set no cookie")
	return ""
}

func postGrant(ctx context.Context, client *http.Client, base, cookie, orderID string) (int, string, error) {
	body := fmt.Sprintf(`{"orderId":%q,"sku":"item_coin_100"}`, orderID)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/grant", strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Cookie", cookie)
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func getMe(t *testing.T, client *http.Client, base, cookie string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/api/me", nil)
	require.NoError(t, err)
	req.Header.Set("Cookie", cookie)
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var me map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&me))
	return me
}
