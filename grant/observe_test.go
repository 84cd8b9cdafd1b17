package grant_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/tossapi"
)

// Every answered grant is one log line with its order, hashed user, result,
// Toss status and latency, and one OnGrant call.
func TestEveryGrantIsLoggedAndObserved(t *testing.T) {
	var logs bytes.Buffer
	var logMu sync.Mutex
	var mu sync.Mutex
	var seen []grant.Grant
	hash := grant.UserHasher([]byte("test key"))
	e := newEnv(t, func(c *grant.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(lockedWriter{&logMu, &logs}, nil))
		c.HashUser = hash
		c.OnGrant = func(g grant.Grant) { mu.Lock(); seen = append(seen, g); mu.Unlock() }
	})
	user := e.fake.AddUser()
	c := e.login(user)
	paid := e.fake.AddOrder(user, "coin_100", tossapi.StatusPaymentCompleted)
	failed := e.fake.AddOrder(user, "coin_100", tossapi.StatusFailed)

	require.Equal(t, 200, e.call(c, "POST", "/api/grant", grantBody(paid, "coin_100")).status)
	require.Equal(t, 200, e.call(c, "POST", "/api/grant", grantBody(paid, "coin_100")).status) // from the ledger
	require.Equal(t, 409, e.call(c, "POST", "/api/grant", grantBody(failed, "coin_100")).status)

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 3)
	assert.Equal(t, []string{"granted", "granted", "order_failed"}, []string{seen[0].Result, seen[1].Result, seen[2].Result})
	assert.Equal(t, []tossapi.Status{tossapi.StatusPaymentCompleted, "", tossapi.StatusFailed},
		[]tossapi.Status{seen[0].TossStatus, seen[1].TossStatus, seen[2].TossStatus})
	for _, g := range seen {
		assert.Equal(t, user, g.User)
		assert.Positive(t, g.Latency)
	}

	logMu.Lock()
	defer logMu.Unlock()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m), l)
		if m["msg"] == "grant" {
			lines = append(lines, m)
		}
	}
	require.Len(t, lines, 3)
	assert.Equal(t, paid, lines[0]["orderId"])
	assert.Equal(t, hash(user), lines[0]["user"])
	assert.NotContains(t, logs.String(), user.String(), "the user key itself is never logged")
	assert.Equal(t, "PAYMENT_COMPLETED", lines[0]["tossStatus"])
	assert.Equal(t, "order_failed", lines[2]["result"])
	assert.Contains(t, lines[0], "latencyMs")
	assert.Len(t, hash(user), 16)
	assert.NotEqual(t, hash(user), grant.UserHasher([]byte("another key"))(user))
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
