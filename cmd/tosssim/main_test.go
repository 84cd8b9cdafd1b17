//go:build !js && !wasip1

package main

import (
	"bufio"
	"context"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

// TestMain runs main itself when a test starts this binary as the simulator.
func TestMain(m *testing.M) {
	if os.Getenv("TOSSSIM_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var banner = regexp.MustCompile(`^toss simulator: (https://127\.0\.0\.1:\d+)/\n$`)

// start runs the simulator in this process and returns its base URL.
func start(t *testing.T, dir string) (url string, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, "127.0.0.1:0", dir, pw, log.New(io.Discard, "", 0))
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	m := banner.FindStringSubmatch(line)
	require.NotNil(t, m, "%q", line)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	return m[1], func() {
		cancel()
		require.NoError(t, <-done)
	}
}

func config(url, dir string) tossapi.Config {
	return tossapi.Config{
		BaseURL:  url,
		CertFile: filepath.Join(dir, "client.pem"),
		KeyFile:  filepath.Join(dir, "client-key.pem"),
		CAFile:   filepath.Join(dir, "ca.pem"),
	}
}

func TestFilesAndStateSurviveARestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tosssim")
	ctx := context.Background()

	url, stop := start(t, dir)
	files := map[string][]byte{}
	for _, name := range []string{caFile, caKeyFile, clientFile, clientKeyFile, serverFile, serverKeyFile} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err, name)
		files[name] = b
	}
	remote, err := tossapitest.NewRemote(config(url, dir))
	require.NoError(t, err)
	lc, err := remote.NewLoginCode(ctx, tossapi.NoUser)
	require.NoError(t, err)
	id, err := remote.AddOrder(ctx, lc.UserKey, "gem_100")
	require.NoError(t, err)
	remote.Close()
	_, err = os.Stat(filepath.Join(dir, stateFile))
	require.NoError(t, err)
	stop()

	url, stop = start(t, dir)
	defer stop()
	for name, before := range files {
		after, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Equal(t, before, after, "%s is kept", name)
	}
	c, err := tossapi.New(config(url, dir))
	require.NoError(t, err)
	defer c.Close()
	st, err := c.GetOrderStatus(ctx, id, lc.UserKey)
	require.NoError(t, err)
	assert.Equal(t, tossapi.StatusPaymentCompleted, st.Status)
	assert.Equal(t, "gem_100", st.SKU)
	tok, err := c.GenerateToken(ctx, lc.AuthorizationCode, lc.Referrer)
	require.NoError(t, err, "an unused login code survives too")
	me, err := c.LoginMe(ctx, tok.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, lc.UserKey, me.UserKey)
}

func TestProcessPrintsOneLineAndStopsOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-addr", "127.0.0.1:0", "-data", dir)
	cmd.Env = append(os.Environ(), "TOSSSIM_RUN_MAIN=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	rd := bufio.NewReader(out)
	line, err := rd.ReadString('\n')
	require.NoError(t, err, stderr.String())
	assert.Regexp(t, banner, line)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	rest, err := io.ReadAll(rd)
	require.NoError(t, err)
	assert.Empty(t, string(rest), "exactly one line on stdout")
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		assert.NoError(t, err, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("the simulator did not stop on SIGTERM")
	}
}

func TestAClientCertificateOfAnotherCAIsReplaced(t *testing.T) {
	dir := t.TempDir()
	other := tossapitest.NewServer()
	cert, key, err := other.IssueClientCert("stale")
	other.Close()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, clientFile), cert, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, clientKeyFile), key, 0o600))

	url, stop := start(t, dir)
	defer stop()
	kept, err := os.ReadFile(filepath.Join(dir, clientFile))
	require.NoError(t, err)
	assert.NotEqual(t, cert, kept)
	r, err := tossapitest.NewRemote(config(url, dir))
	require.NoError(t, err)
	defer r.Close()
	_, err = r.AddUser(context.Background())
	assert.NoError(t, err)
}
