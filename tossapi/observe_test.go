package tossapi_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

func TestObserveSeesEveryCallWithItsOutcome(t *testing.T) {
	srv := tossapitest.NewServer()
	defer srv.Close()
	var mu sync.Mutex
	var seen []tossapi.Observation
	cfg := srv.Config(t)
	cfg.MinBackoff, cfg.MaxBackoff = time.Millisecond, time.Millisecond
	cfg.Observe = func(o tossapi.Observation) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, o)
	}
	c, err := tossapi.New(cfg)
	require.NoError(t, err)
	defer c.Close()
	ctx := context.Background()
	user := srv.AddUser()
	order := srv.AddOrder(user, "coin", tossapi.StatusPaymentCompleted)

	_, err = c.GetOrderStatus(ctx, order, user)
	require.NoError(t, err)
	srv.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, HTTPStatus: 503})
	_, err = c.GetOrderStatus(ctx, order, user)
	require.ErrorIs(t, err, tossapi.ErrUnavailable)
	srv.ClearFaults()
	_, err = c.GenerateToken(ctx, "no-such-code", "SANDBOX")
	require.ErrorIs(t, err, tossapi.ErrInvalidGrant)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.GetOrderStatus(canceled, order, user)
	require.Error(t, err)

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, 4, "one observation per call, not per attempt")
	want := []struct{ path, outcome string }{
		{tossapi.PathOrderStatus, tossapi.OutcomeOK},
		{tossapi.PathOrderStatus, tossapi.OutcomeUnavailable},
		{tossapi.PathGenerateToken, tossapi.OutcomeRefused},
		{tossapi.PathOrderStatus, tossapi.OutcomeCanceled},
	}
	for i, w := range want {
		assert.Equal(t, w.path, seen[i].Path, i)
		assert.Equal(t, w.outcome, seen[i].Outcome, i)
		assert.Positive(t, seen[i].Duration+1, i)
	}
	assert.Equal(t, 3, srv.Calls(tossapi.PathOrderStatus)-1, "the 503 was tried three times: the client retried under one observation")
}

func TestPingTellsWhetherTossAnswers(t *testing.T) {
	srv := tossapitest.NewServer()
	cfg := srv.Config(t)
	cfg.Timeout = 2 * time.Second
	c, err := tossapi.New(cfg)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.Ping(context.Background()))
	assert.Zero(t, srv.Calls(tossapi.PathOrderStatus), "no partner API call")
	srv.Close()
	assert.ErrorIs(t, c.Ping(context.Background()), tossapi.ErrUnavailable)
}
