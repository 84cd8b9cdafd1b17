package tossapi_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

// setup starts a fake and a client for it; mod adjusts the configuration.
func setup(t *testing.T, mod func(*tossapi.Config)) (*tossapitest.Server, *tossapi.Client, tossapi.Config) {
	t.Helper()
	srv := tossapitest.NewServer()
	t.Cleanup(srv.Close)
	cfg := srv.Config(t)
	if mod != nil {
		mod(&cfg)
	}
	c, err := tossapi.New(cfg)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return srv, c, cfg
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestNewRefusesBadConfig(t *testing.T) {
	_, err := tossapi.New(tossapi.Config{})
	assert.Error(t, err, "no certificate")
	_, err = tossapi.New(tossapi.Config{BaseURL: "http://example.com", CertFile: "x", KeyFile: "y"})
	assert.Error(t, err, "plain HTTP")
	_, err = tossapi.New(tossapi.Config{CertFile: "/nonexistent/c.pem", KeyFile: "/nonexistent/k.pem"})
	assert.Error(t, err, "missing files")
}

func TestOrderStatusOfAPaidOrder(t *testing.T) {
	srv, c, _ := setup(t, nil)
	determined := time.Date(2025, 9, 12, 7, 57, 12, 0, time.UTC) // 16:57:12 KST
	srv.SetClock(func() time.Time { return determined })
	user := srv.AddUser()
	id := srv.AddOrder(user, "gem_100", tossapi.StatusPaymentCompleted)

	st, err := c.GetOrderStatus(ctx(t), id, user)
	require.NoError(t, err)
	assert.Equal(t, id, st.OrderID)
	assert.Equal(t, "gem_100", st.SKU)
	assert.Equal(t, tossapi.StatusPaymentCompleted, st.Status)
	assert.True(t, st.Status.Paid())
	assert.True(t, st.StatusDeterminedAt.Equal(determined), st.StatusDeterminedAt)
	assert.Equal(t, 1, srv.Calls(tossapi.PathOrderStatus))

	refunded := determined.Add(48 * time.Hour)
	srv.SetClock(func() time.Time { return refunded })
	srv.Refund(id)
	st, err = c.GetOrderStatus(ctx(t), id, user)
	require.NoError(t, err)
	assert.Equal(t, tossapi.StatusRefunded, st.Status)
	assert.True(t, st.StatusDeterminedAt.Equal(refunded), "statusDeterminedAt is the refund time")
}

func TestOrderStatusIsBoundToTheUser(t *testing.T) {
	srv, c, _ := setup(t, nil)
	alice, bob := srv.AddUser(), srv.AddUser()
	id := srv.AddOrder(alice, "gem_100", tossapi.StatusPurchased)

	st, err := c.GetOrderStatus(ctx(t), id, bob)
	require.NoError(t, err)
	assert.Equal(t, tossapi.StatusNotFound, st.Status, "another user's order is not found")
	assert.Empty(t, st.SKU)

	st, err = c.GetOrderStatus(ctx(t), id, tossapi.NoUser)
	require.NoError(t, err)
	assert.Equal(t, tossapi.StatusPurchased, st.Status, "without x-toss-user-key any order of the mini-app is found")

	st, err = c.GetOrderStatus(ctx(t), "0190a6e4-0000-7000-8000-000000000000", alice)
	require.NoError(t, err)
	assert.Equal(t, tossapi.StatusNotFound, st.Status)

	other := srv.AddOtherMiniAppOrder(alice, "gem_100", tossapi.StatusPaymentCompleted)
	st, err = c.GetOrderStatus(ctx(t), other, alice)
	require.NoError(t, err)
	assert.Equal(t, tossapi.StatusMiniAppMismatch, st.Status)
	assert.Empty(t, st.SKU)
}

func TestUserKeyAbove2To53StaysExact(t *testing.T) {
	srv, c, _ := setup(t, nil)
	const big = tossapi.UserKey(1<<53 + 1) // a float64 would make it 1<<53
	srv.AddUserKey(big)
	code := srv.NewLoginCode(big)

	tok, err := c.GenerateToken(ctx(t), code, "SANDBOX")
	require.NoError(t, err)
	me, err := c.LoginMe(ctx(t), tok.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, big, me.UserKey)

	id := srv.AddOrder(big, "gem_1", "")
	st, err := c.GetOrderStatus(ctx(t), id, me.UserKey)
	require.NoError(t, err)
	assert.Equal(t, tossapi.StatusPaymentCompleted, st.Status, "x-toss-user-key carried the exact digits")
	st, err = c.GetOrderStatus(ctx(t), id, big-1)
	require.NoError(t, err)
	assert.Equal(t, tossapi.StatusNotFound, st.Status)
}

func TestLoginFlow(t *testing.T) {
	srv, c, _ := setup(t, nil)
	start := time.Now()
	now := start
	srv.SetClock(func() time.Time { return now })
	user := srv.AddUser()

	tok, err := c.GenerateToken(ctx(t), srv.NewLoginCode(user), "DEFAULT")
	require.NoError(t, err)
	assert.Equal(t, "Bearer", tok.TokenType)
	assert.Equal(t, time.Hour, tok.ExpiresIn)
	assert.NotEmpty(t, tok.RefreshToken)
	me, err := c.LoginMe(ctx(t), tok.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, user, me.UserKey)

	now = start.Add(61 * time.Minute) // the access token has expired
	_, err = c.LoginMe(ctx(t), tok.AccessToken)
	assert.ErrorIs(t, err, tossapi.ErrInvalidGrant)
	assert.NotErrorIs(t, err, tossapi.ErrUnavailable)

	fresh, err := c.RefreshToken(ctx(t), tok.RefreshToken)
	require.NoError(t, err)
	me, err = c.LoginMe(ctx(t), fresh.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, user, me.UserKey)

	_, err = c.RefreshToken(ctx(t), "not-a-token")
	assert.ErrorIs(t, err, tossapi.ErrInvalidGrant)
	_, err = c.LoginMe(ctx(t), tok.RefreshToken)
	assert.ErrorIs(t, err, tossapi.ErrInvalidGrant, "a refresh token is no access token")
}

func TestLoginCodesAreSingleUseAndExpire(t *testing.T) {
	srv, c, _ := setup(t, nil)
	start := time.Now()
	now := start
	srv.SetClock(func() time.Time { return now })
	user := srv.AddUser()

	code := srv.NewLoginCode(user)
	_, err := c.GenerateToken(ctx(t), code, "SANDBOX")
	require.NoError(t, err)
	_, err = c.GenerateToken(ctx(t), code, "SANDBOX")
	require.ErrorIs(t, err, tossapi.ErrInvalidGrant, "a code is single use")
	var e *tossapi.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 400, e.HTTPStatus)
	assert.Equal(t, "invalid_grant", e.Code)

	late := srv.NewLoginCode(user)
	now = start.Add(10 * time.Minute)
	_, err = c.GenerateToken(ctx(t), late, "SANDBOX")
	assert.ErrorIs(t, err, tossapi.ErrInvalidGrant, "a code lives 10 minutes")

	_, err = c.GenerateToken(ctx(t), "made-up", "SANDBOX")
	assert.ErrorIs(t, err, tossapi.ErrInvalidGrant)
	assert.Equal(t, 4, srv.Calls(tossapi.PathGenerateToken), "refusals are not retried")
}

func TestFailEnvelopeOnHTTP200IsAnError(t *testing.T) {
	srv, c, _ := setup(t, nil)
	user := srv.AddUser()
	id := srv.AddOrder(user, "gem_1", "")
	srv.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, Code: "INVALID_ORDER", Reason: "bad order", Times: 1})

	_, err := c.GetOrderStatus(ctx(t), id, user)
	var e *tossapi.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 200, e.HTTPStatus)
	assert.Equal(t, "INVALID_ORDER", e.Code)
	assert.Equal(t, "bad order", e.Reason)
	assert.NotErrorIs(t, err, tossapi.ErrUnavailable)
	assert.NotErrorIs(t, err, tossapi.ErrInvalidGrant)
	assert.Equal(t, 1, srv.Calls(tossapi.PathOrderStatus), "a refusal is not retried")
}

func TestFailEnvelopeOnLogin(t *testing.T) {
	srv, c, _ := setup(t, nil)
	code := srv.NewLoginCode(srv.AddUser())

	srv.Inject(tossapitest.Fault{Path: tossapi.PathGenerateToken, Code: "INVALID_AUTHORIZATION_CODE", Times: 1})
	_, err := c.GenerateToken(ctx(t), code, "SANDBOX")
	assert.ErrorIs(t, err, tossapi.ErrInvalidGrant, "a FAIL envelope on a login call is a refusal")
	assert.NotErrorIs(t, err, tossapi.ErrUnavailable)

	srv.Inject(tossapitest.Fault{Path: tossapi.PathGenerateToken, Code: "INTERNAL_ERROR", Times: 1})
	_, err = c.GenerateToken(ctx(t), code, "SANDBOX")
	assert.ErrorIs(t, err, tossapi.ErrUnavailable)
	assert.NotErrorIs(t, err, tossapi.ErrInvalidGrant)
	assert.Equal(t, 2, srv.Calls(tossapi.PathGenerateToken), "generate-token is not sent twice")

	srv.Inject(tossapitest.Fault{Path: tossapi.PathGenerateToken, OAuthError: "invalid_grant", Times: 1})
	_, err = c.GenerateToken(ctx(t), code, "SANDBOX")
	assert.ErrorIs(t, err, tossapi.ErrInvalidGrant)

	_, err = c.GenerateToken(ctx(t), code, "SANDBOX")
	assert.NoError(t, err, "the faults did not spend the code")
}

func TestTransientFailuresAreRetried(t *testing.T) {
	srv, c, _ := setup(t, nil)
	user := srv.AddUser()
	id := srv.AddOrder(user, "gem_1", "")

	srv.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, Code: "INTERNAL_ERROR", Times: 1})
	srv.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, HTTPStatus: 503, Times: 1})
	st, err := c.GetOrderStatus(ctx(t), id, user)
	require.NoError(t, err)
	assert.Equal(t, tossapi.StatusPaymentCompleted, st.Status)
	assert.Equal(t, 3, srv.Calls(tossapi.PathOrderStatus))

	srv.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, Drop: true, Times: 1})
	_, err = c.GetOrderStatus(ctx(t), id, user)
	require.NoError(t, err, "a dropped connection is retried for a read")
	assert.Equal(t, 5, srv.Calls(tossapi.PathOrderStatus))
}

func TestDroppedGenerateTokenIsNotResent(t *testing.T) {
	srv, c, _ := setup(t, nil)
	srv.Inject(tossapitest.Fault{Path: tossapi.PathGenerateToken, Drop: true, Times: 1})
	_, err := c.GenerateToken(ctx(t), srv.NewLoginCode(srv.AddUser()), "SANDBOX")
	assert.ErrorIs(t, err, tossapi.ErrUnavailable)
	assert.NotErrorIs(t, err, tossapi.ErrInvalidGrant)
	assert.Equal(t, 1, srv.Calls(tossapi.PathGenerateToken), "Toss may have spent the code")
}

func TestRetriesAreBounded(t *testing.T) {
	srv, c, _ := setup(t, func(cfg *tossapi.Config) { cfg.MaxAttempts = 4 })
	srv.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, HTTPStatus: 502})
	_, err := c.GetOrderStatus(ctx(t), "0190a6e4-0000-7000-8000-000000000000", tossapi.NoUser)
	assert.ErrorIs(t, err, tossapi.ErrUnavailable)
	var e *tossapi.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 502, e.HTTPStatus)
	assert.Equal(t, 4, srv.Calls(tossapi.PathOrderStatus))

	srv.ClearFaults()
	_, err = c.GetOrderStatus(ctx(t), "0190a6e4-0000-7000-8000-000000000000", tossapi.NoUser)
	assert.NoError(t, err)
}

func TestOverLimitHonoursRetryAfterSeconds(t *testing.T) {
	srv, c, _ := setup(t, nil)
	user := srv.AddUser()
	id := srv.AddOrder(user, "gem_1", "")

	// errorCode 4095 with error.data.retryAfterSeconds, on HTTP 200.
	srv.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, OverLimit: true, RetryAfterSeconds: 1, HTTPStatus: 200, Times: 1})
	start := time.Now()
	_, err := c.GetOrderStatus(ctx(t), id, user)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), time.Second)
	assert.Equal(t, 2, srv.Calls(tossapi.PathOrderStatus))

	// Asked to wait longer than MaxBackoff: give up at once and say how long.
	srv.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, OverLimit: true, RetryAfterSeconds: 60, Times: 1})
	start = time.Now()
	_, err = c.GetOrderStatus(ctx(t), id, user)
	assert.ErrorIs(t, err, tossapi.ErrUnavailable)
	var e *tossapi.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, tossapi.CodeOverLimit, e.Code)
	assert.Equal(t, 429, e.HTTPStatus)
	assert.Equal(t, time.Minute, e.RetryAfter)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, 3, srv.Calls(tossapi.PathOrderStatus))
}

func TestContextEndsRetries(t *testing.T) {
	srv, c, _ := setup(t, func(cfg *tossapi.Config) {
		cfg.MaxAttempts = 10
		cfg.MinBackoff = 5 * time.Second
		cfg.MaxBackoff = 10 * time.Second
	})
	srv.Inject(tossapitest.Fault{HTTPStatus: 503})

	cctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := c.GetOrderStatus(cctx, "0190a6e4-0000-7000-8000-000000000000", tossapi.NoUser)
		done <- err
	}()
	require.Eventually(t, func() bool { return srv.Calls(tossapi.PathOrderStatus) == 1 }, 5*time.Second, 5*time.Millisecond)
	cancel()
	err := <-done
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, tossapi.ErrUnavailable, "the last failure is kept")
	assert.Less(t, time.Since(start), 5*time.Second, "the backoff was cut short")
	assert.Equal(t, 1, srv.Calls(tossapi.PathOrderStatus))

	// A deadline shorter than the backoff answers at once, without waiting.
	dctx, cancel2 := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel2()
	start = time.Now()
	_, err = c.GetOrderStatus(dctx, "0190a6e4-0000-7000-8000-000000000000", tossapi.NoUser)
	assert.ErrorIs(t, err, tossapi.ErrUnavailable)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Equal(t, 2, srv.Calls(tossapi.PathOrderStatus))
}

func TestAttemptTimeout(t *testing.T) {
	srv, c, _ := setup(t, func(cfg *tossapi.Config) { cfg.Timeout = 200 * time.Millisecond })
	user := srv.AddUser()
	id := srv.AddOrder(user, "gem_1", "")
	srv.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, Latency: 5 * time.Second, Times: 1})
	_, err := c.GetOrderStatus(ctx(t), id, user)
	require.NoError(t, err, "the slow attempt timed out and the next one answered")
	assert.Equal(t, 2, srv.Calls(tossapi.PathOrderStatus))

	srv.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, Latency: 5 * time.Second})
	_, err = c.GetOrderStatus(ctx(t), id, user)
	assert.ErrorIs(t, err, tossapi.ErrUnavailable)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestLimiterKeepsUnderTheRate(t *testing.T) {
	srv, c, _ := setup(t, func(cfg *tossapi.Config) { cfg.RequestsPerMinute = 1200 }) // 20 a second, burst 20
	user := srv.AddUser()
	id := srv.AddOrder(user, "gem_1", "")
	start := time.Now()
	for i := 0; i < 30; i++ {
		_, err := c.GetOrderStatus(ctx(t), id, user)
		require.NoError(t, err)
	}
	// 20 go at once, the next 10 wait 50ms each.
	assert.GreaterOrEqual(t, time.Since(start), 450*time.Millisecond)
}

func serialOf(t *testing.T, certPEM []byte) string {
	block, _ := pem.Decode(certPEM)
	require.NotNil(t, block)
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	return cert.SerialNumber.String()
}

func lastSerial(srv *tossapitest.Server) string {
	s := srv.ClientCertSerials()
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1].String()
}

func TestClientCertificateRotation(t *testing.T) {
	srv, c, cfg := setup(t, nil)
	user := srv.AddUser()
	id := srv.AddOrder(user, "gem_1", "")
	oldPEM, err := os.ReadFile(cfg.CertFile)
	require.NoError(t, err)

	_, err = c.GetOrderStatus(ctx(t), id, user)
	require.NoError(t, err)
	assert.Equal(t, serialOf(t, oldPEM), lastSerial(srv))

	// Half a rotation (a new certificate, the old key) keeps the old pair.
	newCert, newKey, err := srv.IssueClientCert("rotated")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cfg.CertFile, newCert, 0o600))
	bump(t, cfg.CertFile)
	_, err = c.GetOrderStatus(ctx(t), id, user)
	require.NoError(t, err)
	assert.Equal(t, serialOf(t, oldPEM), lastSerial(srv))

	require.NoError(t, os.WriteFile(cfg.KeyFile, newKey, 0o600))
	bump(t, cfg.KeyFile)
	handshakes := len(srv.ClientCertSerials())
	_, err = c.GetOrderStatus(ctx(t), id, user)
	require.NoError(t, err)
	assert.Greater(t, len(srv.ClientCertSerials()), handshakes, "a new handshake")
	assert.Equal(t, serialOf(t, newCert), lastSerial(srv), "the server saw the new certificate")
}

// bump moves a file's modification time on, so the change is seen even on
// file systems with coarse timestamps.
func bump(t *testing.T, name string) {
	fi, err := os.Stat(name)
	require.NoError(t, err)
	later := fi.ModTime().Add(2 * time.Second)
	require.NoError(t, os.Chtimes(name, later, later))
}

func TestForeignCertificateIsRefused(t *testing.T) {
	srv, _, _ := setup(t, nil)
	foreign := tossapitest.NewServer()
	defer foreign.Close()
	cfg := foreign.Config(t)
	ca := srv.Config(t).CAFile
	cfg.BaseURL, cfg.CAFile = srv.URL, ca // trusts srv, but holds a certificate of foreign's CA

	c, err := tossapi.New(cfg)
	require.NoError(t, err)
	defer c.Close()
	_, err = c.GetOrderStatus(ctx(t), "0190a6e4-0000-7000-8000-000000000000", tossapi.NoUser)
	assert.ErrorIs(t, err, tossapi.ErrUnavailable)
	assert.Zero(t, srv.Calls(tossapi.PathOrderStatus), "no request got through")

	// Nor does a client trust the fake without its CA.
	cfg = srv.Config(t)
	cfg.CAFile = ""
	c2, err := tossapi.New(cfg)
	require.NoError(t, err)
	defer c2.Close()
	_, err = c2.GetOrderStatus(ctx(t), "0190a6e4-0000-7000-8000-000000000000", tossapi.NoUser)
	var unknown x509.UnknownAuthorityError
	assert.True(t, errors.As(err, &unknown), "%v", err)
}
