//go:build !js && !wasip1

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// devProcess is a running devserver binary.
type devProcess struct {
	cmd    *exec.Cmd
	base   string        // http://127.0.0.1:PORT
	done   chan struct{} // closed when the process has exited
	err    error         // Wait's result, valid after done
	stderr *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
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

// buildDevserver compiles this package into a temp dir.
func buildDevserver(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go tool not found: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "devserver")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, goTool, "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// startDevserver runs bin on a free loopback port and waits for its start line.
func startDevserver(t *testing.T, bin, dataDir, webDir string) *devProcess {
	t.Helper()
	p := &devProcess{done: make(chan struct{}), stderr: &lockedBuffer{}}
	p.cmd = exec.Command(bin, "-addr", "127.0.0.1:0", "-data", dataDir, "-web", webDir)
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, p.cmd.Start())

	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		_, _ = io.Copy(io.Discard, stdout) // keep the pipe drained
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})

	select {
	case line, ok := <-lines:
		require.True(t, ok, "devserver exited before its start line; stderr:\n%s", p.stderr)
		const prefix = "goiap dev server: "
		require.True(t, strings.HasPrefix(line, prefix), "start line %q", line)
		p.base = strings.TrimSuffix(strings.TrimPrefix(line, prefix), "/")
		require.True(t, strings.HasPrefix(p.base, "http://127.0.0.1:"), "start line %q", line)
		require.NotEqual(t, "http://127.0.0.1:0", p.base, "start line must carry the bound port")
	case <-time.After(30 * time.Second):
		t.Fatalf("no start line within 30s; stderr:\n%s", p.stderr)
	}
	return p
}

// waitExit waits up to d for the process to exit.
func (p *devProcess) waitExit(t *testing.T, d time.Duration) error {
	t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(d):
		t.Fatalf("devserver did not exit within %v", d)
		return nil
	}
}

// TestKillDuringGrantBurst SIGKILLs the real binary while concurrent grants
// are in flight, restarts it on the same data dir and checks that every grant
// answered 200 is still there, exactly once.
func TestKillDuringGrantBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the devserver binary; skipped with -short")
	}
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGTERM for the graceful-shutdown half")
	}
	bin := buildDevserver(t)
	dataDir := filepath.Join(t.TempDir(), "data") // created by the server
	webDir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(webDir, "index.html"), []byte("ok"), 0o644))

	p1 := startDevserver(t, bin, dataDir, webDir)

	// The burst: every orderId is sent twice (a client retry), by workers
	// that keep going after the kill so some requests are cut off mid-flight.
	const (
		orders      = 300
		workers     = 16
		killAfterOK = 60
	)
	type job struct{ orderID, sku string }
	jobs := make(chan job, 2*orders)
	for i := range orders {
		j := job{fmt.Sprintf("kill-%04d", i), fmt.Sprintf("sku-%d", i%7)}
		jobs <- j
		jobs <- j
	}
	close(jobs)

	client := &http.Client{Timeout: 5 * time.Second}
	var (
		mu        sync.Mutex
		okSKU     = map[string]string{} // orderId -> sku, for every 200
		firstSeen = map[string]int{}    // orderId -> number of duplicate:false answers
		okCount   atomic.Int64
		failed    atomic.Int64
		killOnce  sync.Once
		wg        sync.WaitGroup
	)
	kill := func() {
		// Workers call this too, so assert (not require) off the test goroutine.
		killOnce.Do(func() { assert.NoError(t, p1.cmd.Process.Signal(syscall.SIGKILL)) })
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				status, body, err := rawPost(client, p1.base+"/api/grant",
					fmt.Sprintf(`{"orderId":%q,"sku":%q}`, j.orderID, j.sku))
				if err != nil || status != http.StatusOK || body["granted"] != true {
					failed.Add(1)
					continue
				}
				mu.Lock()
				okSKU[j.orderID] = j.sku
				if body["duplicate"] == false {
					firstSeen[j.orderID]++
				}
				mu.Unlock()
				if okCount.Add(1) == killAfterOK {
					kill()
				}
			}
		}()
	}
	wg.Wait()
	kill() // in case the burst finished before reaching killAfterOK
	err := p1.waitExit(t, 10*time.Second)
	require.Error(t, err, "the first server must have died from SIGKILL")
	t.Logf("burst: %d answered 200, %d failed; %d distinct orders granted", okCount.Load(), failed.Load(), len(okSKU))
	require.GreaterOrEqual(t, okCount.Load(), int64(killAfterOK))
	require.Positive(t, failed.Load(), "the kill should cut off part of the burst")

	// Restart on the same data dir: every acknowledged grant must be there.
	p2 := startDevserver(t, bin, dataDir, webDir)
	for orderID, sku := range okSKU {
		status, _, m := do(t, http.MethodGet, p2.base+"/api/grants/"+orderID, "", "")
		require.Equal(t, http.StatusOK, status, "acknowledged grant %s lost: %v", orderID, m)
		assert.Equal(t, sku, m["sku"], orderID)

		status, m = postGrant(t, p2.base, fmt.Sprintf(`{"orderId":%q,"sku":%q}`, orderID, sku))
		require.Equal(t, http.StatusOK, status, m)
		assert.Equal(t, true, m["duplicate"], "re-grant of %s after restart must be a duplicate", orderID)
	}
	for orderID, n := range firstSeen {
		assert.LessOrEqual(t, n, 1, "%s was answered as a first grant %d times", orderID, n)
	}

	// SIGTERM is a graceful stop with exit status 0.
	require.NoError(t, p2.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, p2.waitExit(t, 15*time.Second), "stderr:\n%s", p2.stderr)

	// Inspect the file directly: intact, and no orderId twice.
	st, err := openStore(filepath.Join(dataDir, "grants.db"))
	require.NoError(t, err)
	defer st.Close()
	var integrity string
	require.NoError(t, st.db.QueryRow(`PRAGMA integrity_check`).Scan(&integrity))
	assert.Equal(t, "ok", integrity)
	var rows, distinct int
	require.NoError(t, st.db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT orderId) FROM grants`).Scan(&rows, &distinct))
	assert.Equal(t, distinct, rows, "an orderId has more than one row")
	assert.GreaterOrEqual(t, rows, len(okSKU))
	assert.LessOrEqual(t, rows, orders)
}
