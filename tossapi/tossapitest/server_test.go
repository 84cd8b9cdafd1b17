package tossapitest_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/tossapi"
	"github.com/goiap/goiap/tossapi/tossapitest"
)

func newServer(t *testing.T) *tossapitest.Server {
	s := tossapitest.NewServer()
	t.Cleanup(s.Close)
	return s
}

func newClient(t *testing.T, s *tossapitest.Server) *tossapi.Client {
	c, err := tossapi.New(s.Config(t))
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// rawClient speaks HTTPS to s with the given client certificate (none when
// certPEM is nil), trusting s's CA.
func rawClient(t *testing.T, s *tossapitest.Server, certPEM, keyPEM []byte) *http.Client {
	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(s.CACertPEM()))
	cfg := &tls.Config{RootCAs: roots}
	if certPEM != nil {
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		require.NoError(t, err)
		cfg.Certificates = []tls.Certificate{pair}
	}
	tr := &http.Transport{TLSClientConfig: cfg}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 5 * time.Second}
}

func post(c *http.Client, url, contentType, body string) (*http.Response, error) {
	return c.Post(url, contentType, strings.NewReader(body))
}

func TestHandshakeRequiresACertificateOfTheCA(t *testing.T) {
	s := newServer(t)
	foreign := newServer(t)

	_, err := post(rawClient(t, s, nil, nil), s.URL+tossapi.PathOrderStatus, "application/json", `{"orderId":"x"}`)
	assert.ErrorContains(t, err, "tls: certificate required", "no client certificate")

	fc, fk, err := foreign.IssueClientCert("stranger")
	require.NoError(t, err)
	_, err = post(rawClient(t, s, fc, fk), s.URL+tossapi.PathOrderStatus, "application/json", `{"orderId":"x"}`)
	assert.ErrorContains(t, err, "tls: unknown certificate authority", "a certificate of another CA")

	// The handshake itself fails, so no call is counted.
	assert.Zero(t, s.Calls(tossapi.PathOrderStatus))
	assert.Empty(t, s.ClientCertSerials())

	c, k, err := s.IssueClientCert("partner")
	require.NoError(t, err)
	resp, err := post(rawClient(t, s, c, k), s.URL+tossapi.PathOrderStatus, "application/json", `{"orderId":"x"}`)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Len(t, s.ClientCertSerials(), 1)
}

func TestRequestsMustBeJSON(t *testing.T) {
	s := newServer(t)
	c, k, err := s.IssueClientCert("partner")
	require.NoError(t, err)
	hc := rawClient(t, s, c, k)

	resp, err := post(hc, s.URL+tossapi.PathOrderStatus, "text/plain", `{"orderId":"x"}`)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode)

	resp, err = hc.Get(s.URL + tossapi.PathOrderStatus)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

	req, _ := http.NewRequest("POST", s.URL+tossapi.PathOrderStatus, strings.NewReader(`{"orderId":"x"}`))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("x-toss-user-key", "1e9")
	resp, err = hc.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, string(body), `"resultType":"FAIL"`)
}

var uuidV7 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestOrderIDsAreUUIDv7(t *testing.T) {
	s := newServer(t)
	at := time.UnixMilli(0x0190a6e4abcd)
	s.SetClock(func() time.Time { return at })
	user := s.AddUser()
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		id := s.AddOrder(user, "gem", "")
		require.Regexp(t, uuidV7, id)
		assert.True(t, strings.HasPrefix(id, "0190a6e4-abcd-7"), id)
		require.False(t, seen[id])
		seen[id] = true
	}
}

func TestFaultsCountAndPaths(t *testing.T) {
	s := newServer(t)
	c := newClient(t, s)
	ctx := context.Background()
	user := s.AddUser()
	id := s.AddOrder(user, "gem", "")

	// A fault for one path leaves the others alone.
	s.Inject(tossapitest.Fault{Path: tossapi.PathLoginMe, HTTPStatus: 500})
	_, err := c.GetOrderStatus(ctx, id, user)
	require.NoError(t, err)
	_, err = c.LoginMe(ctx, "whatever")
	assert.ErrorIs(t, err, tossapi.ErrUnavailable)
	assert.Equal(t, 3, s.Calls(tossapi.PathLoginMe), "until cleared, every attempt")
	s.ClearFaults()

	// Times counts the calls it answers; FAIL envelopes with a code.
	s.Inject(tossapitest.Fault{Code: "EXECUTION_FAIL", Times: 2})
	before := s.Calls(tossapi.PathOrderStatus)
	_, err = c.GetOrderStatus(ctx, id, user)
	require.NoError(t, err)
	assert.Equal(t, before+3, s.Calls(tossapi.PathOrderStatus))
}

func TestStateSurvivesARestart(t *testing.T) {
	var saved []byte
	caCert, caKey, err := tossapitest.NewCA()
	require.NoError(t, err)
	s1, err := tossapitest.Start(tossapitest.Options{CACertPEM: caCert, CAKeyPEM: caKey, Save: func(b []byte) { saved = b }})
	require.NoError(t, err)
	user := s1.AddUser()
	id := s1.AddOrder(user, "gem_100", "")
	s1.Refund(id)
	cert, key := s1.CertificatePEM()
	s1.Close()

	s2, err := tossapitest.Start(tossapitest.Options{CACertPEM: caCert, CAKeyPEM: caKey, CertPEM: cert, KeyPEM: key, State: saved})
	require.NoError(t, err)
	defer s2.Close()
	gotCert, _ := s2.CertificatePEM()
	assert.Equal(t, cert, gotCert, "a valid server certificate is kept")
	u, sku, st, ok := s2.Order(id)
	require.True(t, ok)
	assert.Equal(t, user, u)
	assert.Equal(t, "gem_100", sku)
	assert.Equal(t, tossapi.StatusRefunded, st)
}

func TestRemoteControlsTheFake(t *testing.T) {
	s := newServer(t)
	cfg := s.Config(t)
	r, err := tossapitest.NewRemote(cfg)
	require.NoError(t, err)
	defer r.Close()
	c := newClient(t, s)
	ctx := context.Background()

	lc, err := r.NewLoginCode(ctx, tossapi.NoUser)
	require.NoError(t, err)
	assert.Equal(t, "SANDBOX", lc.Referrer)
	require.NotZero(t, lc.UserKey)
	tok, err := c.GenerateToken(ctx, lc.AuthorizationCode, lc.Referrer)
	require.NoError(t, err)
	me, err := c.LoginMe(ctx, tok.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, lc.UserKey, me.UserKey)

	const big = tossapi.UserKey(1<<60 + 7)
	lc, err = r.NewLoginCode(ctx, big)
	require.NoError(t, err)
	assert.Equal(t, big, lc.UserKey, "exact through the control API")

	bob, err := r.AddUser(ctx)
	require.NoError(t, err)
	id, err := r.AddOrder(ctx, me.UserKey, "gem_100")
	require.NoError(t, err)
	require.Regexp(t, uuidV7, id)
	st, err := c.GetOrderStatus(ctx, id, me.UserKey)
	require.NoError(t, err)
	assert.Equal(t, tossapi.StatusPaymentCompleted, st.Status)
	st, err = c.GetOrderStatus(ctx, id, bob)
	require.NoError(t, err)
	assert.Equal(t, tossapi.StatusNotFound, st.Status)

	require.NoError(t, r.Refund(ctx, id))
	st, err = c.GetOrderStatus(ctx, id, me.UserKey)
	require.NoError(t, err)
	assert.Equal(t, tossapi.StatusRefunded, st.Status)
	require.NoError(t, r.SetStatus(ctx, id, tossapi.StatusFailed))
	_, _, status, _ := s.Order(id)
	assert.Equal(t, tossapi.StatusFailed, status)
	assert.Error(t, r.Refund(ctx, "no-such-order"))

	require.NoError(t, r.Inject(ctx, tossapitest.Fault{Path: tossapi.PathOrderStatus, HTTPStatus: 503, Latency: 10 * time.Millisecond}))
	_, err = c.GetOrderStatus(ctx, id, me.UserKey)
	assert.ErrorIs(t, err, tossapi.ErrUnavailable)
	calls, err := r.Calls(ctx, tossapi.PathOrderStatus)
	require.NoError(t, err)
	assert.Equal(t, s.Calls(tossapi.PathOrderStatus), calls)
	require.NoError(t, r.ClearFaults(ctx))
	_, err = c.GetOrderStatus(ctx, id, me.UserKey)
	assert.NoError(t, err)
}

func TestFaultJSON(t *testing.T) {
	f := tossapitest.Fault{Path: tossapi.PathLoginMe, Times: 2, Latency: 1500 * time.Millisecond, OverLimit: true, RetryAfterSeconds: 3}
	b, err := json.Marshal(f)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"latencyMillis":1500`)
	var back tossapitest.Fault
	require.NoError(t, json.NewDecoder(bytes.NewReader(b)).Decode(&back))
	assert.Equal(t, f, back)
}

func TestDropClosesTheConnection(t *testing.T) {
	s := newServer(t)
	c, k, err := s.IssueClientCert("partner")
	require.NoError(t, err)
	hc := rawClient(t, s, c, k) // HTTP/1.1: the connection is hijacked and closed
	s.Inject(tossapitest.Fault{Path: tossapi.PathOrderStatus, Drop: true, Times: 1})
	_, err = post(hc, s.URL+tossapi.PathOrderStatus, "application/json", `{"orderId":"x"}`)
	assert.Error(t, err)
	resp, err := post(hc, s.URL+tossapi.PathOrderStatus, "application/json", `{"orderId":"x"}`)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "HTTP/1.1", resp.Proto)
	assert.Equal(t, 2, s.Calls(tossapi.PathOrderStatus))
}
