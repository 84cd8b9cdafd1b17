//go:build js && wasm

package bridge_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/bridge/bridgetest"
)

func TestLegacyPathChosenByVersion(t *testing.T) {
	tests := []struct {
		version, os, env string
		legacy           bool
	}{
		{"5.219.0", "ios", "toss", true},
		{"5.229.9", "ios", "toss", true},
		{"5.230.0", "ios", "toss", false},
		{"5.231.0", "android", "toss", true},
		{"5.231.1", "android", "toss", false},
		{"5.231.1-rc.1", "android", "toss", true},
		{"5.240.0", "android", "toss", false},
		{"5.219.0", "android", "sandbox", false},
	}
	for _, tt := range tests {
		t.Run(strings.Join([]string{tt.version, tt.os, tt.env}, " "), func(t *testing.T) {
			e := newEnv(t)
			e.sdk.SetApp(tt.version, tt.os, tt.env)
			done := e.purchase(context.Background(), "coin_100", grantTrue)
			co := e.next()
			assert.Equal(t, tt.legacy, co.Legacy())
			_, err := co.Pay("order-1", bridgetest.ResultFor("order-1", "coin_100"))
			require.NoError(t, err)
			o := e.outcome(done)
			require.NoError(t, o.err)
			assert.Equal(t, "order-1", o.res.OrderID)
			assert.Equal(t, 0, e.sdk.Open())
		})
	}
}

func legacyEnv(t *testing.T, opts ...bridge.Option) *env {
	e := newEnv(t, opts...)
	e.sdk.SetApp("5.229.0", "ios", "toss")
	return e
}

func TestLegacyGrantTrue(t *testing.T) {
	e := legacyEnv(t)
	g := &grants{ok: true}
	done := e.purchase(context.Background(), "coin_100", g.grant)
	co := e.next()
	require.True(t, co.Legacy())
	assert.Equal(t, 1, e.sdk.Open())
	_, err := co.Purchased("order-1")
	assert.ErrorIs(t, err, bridgetest.ErrLegacy)

	granted, err := co.Pay("order-1", bridgetest.ResultFor("", "coin_100"))
	require.NoError(t, err)
	assert.True(t, granted)
	o := e.outcome(done)
	require.NoError(t, o.err)
	assert.Equal(t, bridgetest.ResultFor("order-1", "coin_100"), o.res)
	assert.Equal(t, []string{"order-1"}, g.orders())
	assert.Equal(t, 0, e.sdk.Open())
	assert.True(t, co.CleanedUp(), "the client called the (no-op) cleanup")
	assert.ErrorIs(t, co.Fail(bridge.ErrNetworkError, "", ""), bridgetest.ErrDropped, "the app answers once")
}

// The legacy SDK reports success whatever the grant answered; the client
// does not believe it.
func TestLegacyGrantFalseIsNotSuccess(t *testing.T) {
	for name, grant := range map[string]bridge.GrantFunc{
		"false": func(context.Context, string) (bool, error) { return false, nil },
		"error": func(context.Context, string) (bool, error) { return true, errors.New("db down") },
	} {
		t.Run(name, func(t *testing.T) {
			e := legacyEnv(t)
			done := e.purchase(context.Background(), "coin_100", grant)
			granted, err := e.next().Pay("order-2", bridgetest.ResultFor("order-2", "coin_100"))
			require.NoError(t, err)
			assert.False(t, granted)
			be := asError(t, e.outcome(done).err, bridge.ErrProductNotGrantedByPartner)
			assert.Equal(t, "order-2", be.OrderID)
		})
	}
}

func TestLegacyGrantTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	e := legacyEnv(t, bridge.WithGrantTimeout(20*time.Millisecond))
	done := e.purchase(context.Background(), "coin_100", func(context.Context, string) (bool, error) {
		<-release
		return true, nil
	})
	granted, err := e.next().Pay("order-3", bridgetest.ResultFor("order-3", "coin_100"))
	require.NoError(t, err)
	assert.False(t, granted)
	assert.Equal(t, "order-3", asError(t, e.outcome(done).err, bridge.ErrProductNotGrantedByPartner).OrderID)
}

func TestLegacyFail(t *testing.T) {
	e := legacyEnv(t)
	g := &grants{ok: true}
	done := e.purchase(context.Background(), "coin_100", g.grant)
	co := e.next()
	require.NoError(t, co.Fail(bridge.ErrUserCanceled, "closed the sheet", ""))
	be := asError(t, e.outcome(done).err, bridge.ErrUserCanceled)
	assert.Equal(t, "closed the sheet", be.Message)
	assert.Empty(t, g.orders())
	assert.Equal(t, 0, e.sdk.Open())
}

func TestLegacyMalformedAnswer(t *testing.T) {
	e := legacyEnv(t)
	g := &grants{ok: true}
	done := e.purchase(context.Background(), "coin_100", g.grant)
	// The app resolves with data that is not a result: the SDK calls the
	// grant with orderId undefined, and then reports success with it.
	require.NoError(t, e.next().Emit(map[string]any{"amount": 1000}))
	asError(t, e.outcome(done).err, bridge.ErrInvalidResponse)
	assert.Empty(t, g.orders(), "no order id, nothing to grant")
}

// On the legacy path the cleanup is a no-op, so a paid order still reaches
// the grant after the caller gave up.
func TestLegacyAbortedStillGrants(t *testing.T) {
	e := legacyEnv(t)
	g := &grants{ok: true}
	ctx, cancel := context.WithCancel(context.Background())
	done := e.purchase(ctx, "coin_100", g.grant)
	co := e.next()
	cancel()
	asError(t, e.outcome(done).err, bridge.ErrAborted)
	assert.Equal(t, 1, e.sdk.Open(), "the legacy SDK still listens")
	assert.Equal(t, 2, e.c.Stats().LiveCallbacks, "so does the client: its answer pair and its grant")

	// A new purchase may start meanwhile.
	done2 := e.purchase(context.Background(), "coin_200", grantTrue)
	co2 := e.next()

	granted, err := co.Pay("order-4", bridgetest.ResultFor("order-4", "coin_100"))
	require.NoError(t, err)
	assert.True(t, granted, "the late answer was granted")
	assert.Equal(t, []string{"order-4"}, g.orders())

	_, err = co2.Pay("order-5", bridgetest.ResultFor("order-5", "coin_200"))
	require.NoError(t, err)
	o := e.outcome(done2)
	require.NoError(t, o.err)
	assert.Equal(t, "order-5", o.res.OrderID, "the late answer did not leak into the next purchase")
}

// Close does not strand a paid legacy order either: the app's late answer
// still reaches the grant.
func TestLegacyClosedStillGrants(t *testing.T) {
	e := legacyEnv(t)
	g := &grants{ok: true}
	done := e.purchase(context.Background(), "coin_100", g.grant)
	co := e.next()
	require.NoError(t, e.c.Close())
	asError(t, e.outcome(done).err, bridge.ErrClosed)

	// After Close the client cannot hand the SDK a promise any more, so it
	// answers false at once while the grant runs; the legacy SDK ignores the
	// answer anyway.
	_, err := co.Pay("order-6", bridgetest.ResultFor("order-6", "coin_100"))
	require.NoError(t, err)
	eventually(t, func() bool { return len(g.orders()) == 1 }, "the grant ran after Close")
	assert.Equal(t, []string{"order-6"}, g.orders())
	select {
	case <-e.c.Done():
	case <-time.After(wait):
		t.Fatal("the client never released its callbacks after the app answered")
	}
}
