package tossapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTossTimeIsKST(t *testing.T) {
	got, err := parseTossTime("2025-09-12T16:57:12")
	require.NoError(t, err)
	assert.True(t, got.Equal(time.Date(2025, 9, 12, 7, 57, 12, 0, time.UTC)), got)
	_, offset := got.Zone()
	assert.Equal(t, 9*3600, offset)

	for in, want := range map[string]time.Time{
		"2025-09-12T16:57:12.250":   time.Date(2025, 9, 12, 7, 57, 12, 250e6, time.UTC),
		"2025-09-12 16:57:12":       time.Date(2025, 9, 12, 7, 57, 12, 0, time.UTC),
		"2025-09-12T16:57:12Z":      time.Date(2025, 9, 12, 16, 57, 12, 0, time.UTC),
		"2025-09-12T16:57:12+09:00": time.Date(2025, 9, 12, 7, 57, 12, 0, time.UTC),
	} {
		got, err := parseTossTime(in)
		require.NoError(t, err, in)
		assert.True(t, got.Equal(want), "%s: %v", in, got)
	}
	zero, err := parseTossTime("")
	require.NoError(t, err)
	assert.True(t, zero.IsZero())
	_, err = parseTossTime("yesterday")
	assert.Error(t, err)
}

func TestExactIntKeepsBigValues(t *testing.T) {
	n, err := exactInt([]byte("9007199254740993")) // 2^53+1: a float64 would give ...992
	require.NoError(t, err)
	assert.Equal(t, int64(9007199254740993), n)
	n, err = exactInt([]byte(`"9007199254740993"`))
	require.NoError(t, err)
	assert.Equal(t, int64(9007199254740993), n)
	_, err = exactInt([]byte("1.5"))
	assert.Error(t, err)
}

func answer(status int, header http.Header, body string) (*http.Response, []byte) {
	if header == nil {
		header = http.Header{}
	}
	return &http.Response{StatusCode: status, Header: header, Body: io.NopCloser(strings.NewReader(body))}, []byte(body)
}

func TestDecodeAnswer(t *testing.T) {
	order := call{op: "get-order-status"}
	login := call{op: "generate-token", login: true}
	cases := []struct {
		name        string
		cl          call
		status      int
		header      http.Header
		body        string
		code        string
		retryAfter  time.Duration
		unavailable bool
		invalid     bool
	}{
		{name: "FAIL on 200", cl: order, status: 200, body: `{"resultType":"FAIL","error":{"errorCode":"SOMETHING","reason":"no"}}`, code: "SOMETHING"},
		{name: "numeric over-limit code", cl: order, status: 200, body: `{"resultType":"FAIL","error":{"errorCode":4095,"reason":"slow down","data":{"retryAfterSeconds":2}}}`, code: "4095", retryAfter: 2 * time.Second, unavailable: true},
		{name: "429 Retry-After header", cl: order, status: 429, header: http.Header{"Retry-After": {"3"}}, body: `too many`, retryAfter: 3 * time.Second, unavailable: true},
		{name: "transport code as resultType", cl: order, status: 200, body: `{"resultType":"HTTP_TIMEOUT"}`, code: "HTTP_TIMEOUT", unavailable: true},
		{name: "INTERNAL_ERROR envelope", cl: order, status: 200, body: `{"resultType":"FAIL","error":{"errorCode":"INTERNAL_ERROR"}}`, code: "INTERNAL_ERROR", unavailable: true},
		{name: "502 page", cl: order, status: 502, body: `<html>bad gateway</html>`, unavailable: true},
		{name: "200 not JSON", cl: order, status: 200, body: `<html>`, code: codeBadAnswer, unavailable: true},
		{name: "SUCCESS without payload", cl: order, status: 200, body: `{"resultType":"SUCCESS"}`, code: codeBadAnswer, unavailable: true},
		{name: "SUCCESS on 500", cl: order, status: 500, body: `{"resultType":"SUCCESS","success":{}}`, unavailable: true},
		{name: "OAuth invalid_grant", cl: login, status: 400, body: `{"error":"invalid_grant","error_description":"used"}`, code: "invalid_grant", invalid: true},
		{name: "FAIL on a login call", cl: login, status: 200, body: `{"resultType":"FAIL","error":{"errorCode":"INVALID_CODE"}}`, code: "INVALID_CODE", invalid: true},
		{name: "transient FAIL on a login call", cl: login, status: 200, body: `{"resultType":"FAIL","error":{"errorCode":"NETWORK_ERROR"}}`, code: "NETWORK_ERROR", unavailable: true},
		{name: "401 on a login call", cl: login, status: 401, body: ``, invalid: true},
		{name: "bare 404 on a login call", cl: login, status: 404, body: `not found`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, data := answer(c.status, c.header, c.body)
			var out struct{}
			err := decodeAnswer(c.cl, resp, data, &out)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, c.status, e.HTTPStatus)
			assert.Equal(t, c.code, e.Code)
			assert.Equal(t, c.retryAfter, e.RetryAfter)
			assert.Equal(t, c.unavailable, errors.Is(err, ErrUnavailable), "ErrUnavailable")
			assert.Equal(t, c.invalid, errors.Is(err, ErrInvalidGrant), "ErrInvalidGrant")
		})
	}
}

func TestRetryPolicy(t *testing.T) {
	unsent := &transportError{op: "x", sent: false, err: errors.New("connection refused")}
	sent := &transportError{op: "x", sent: true, err: io.ErrUnexpectedEOF}
	over := &Error{HTTPStatus: 200, Code: CodeOverLimit}
	refused := &Error{HTTPStatus: 200, Code: "NOPE"}

	assert.True(t, retryable(retryUnavailable, unsent))
	assert.True(t, retryable(retryUnavailable, sent))
	assert.True(t, retryable(retryUnavailable, over))
	assert.False(t, retryable(retryUnavailable, refused))

	// A login code may have been spent by any request Toss received.
	assert.True(t, retryable(retryUnsent, unsent))
	assert.False(t, retryable(retryUnsent, sent))
	assert.False(t, retryable(retryUnsent, over))

	assert.ErrorIs(t, sent, ErrUnavailable)
	assert.ErrorIs(t, sent, io.ErrUnexpectedEOF)
}

func TestBackoffIsBoundedAndHonoursRetryAfter(t *testing.T) {
	c := &Client{cfg: Config{MinBackoff: 100 * time.Millisecond, MaxBackoff: 2 * time.Second}}
	for attempt := 1; attempt < 70; attempt++ {
		d, ok := c.backoff(attempt, errors.New("x"))
		require.True(t, ok)
		assert.LessOrEqual(t, d, 2*time.Second, attempt)
		assert.Greater(t, d, time.Duration(0), attempt)
	}
	d, ok := c.backoff(1, &Error{RetryAfter: time.Second})
	assert.True(t, ok)
	assert.GreaterOrEqual(t, d, time.Second)
	_, ok = c.backoff(1, &Error{RetryAfter: 3 * time.Second})
	assert.False(t, ok, "a wait beyond MaxBackoff gives up at once")
}

// fakeClock is advanced by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestLimiterTokenBucket(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	l := newLimiter(600, clk.now) // 10 a second, a burst of 10
	for i := 0; i < 10; i++ {
		require.Zero(t, l.reserve(), "burst %d", i)
	}
	assert.Equal(t, 100*time.Millisecond, l.reserve())
	assert.Equal(t, 200*time.Millisecond, l.reserve())
	clk.t = clk.t.Add(time.Second) // 10 tokens back, 2 owed
	for i := 0; i < 8; i++ {
		require.Zero(t, l.reserve(), "refill %d", i)
	}
	assert.Equal(t, 100*time.Millisecond, l.reserve())
	clk.t = clk.t.Add(time.Hour)
	for i := 0; i < 10; i++ {
		require.Zero(t, l.reserve(), "the burst is capped: %d", i)
	}
	assert.NotZero(t, l.reserve())

	slow := newLimiter(1, clk.now) // one a minute: the burst is at least 1
	require.Zero(t, slow.reserve())
	assert.Equal(t, time.Minute, slow.reserve())
}

func TestLimiterWaitEndsWithTheContext(t *testing.T) {
	l := newLimiter(1, time.Now)
	require.NoError(t, l.wait(context.Background()))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, l.wait(ctx), context.Canceled)
	ctx, cancel2 := context.WithTimeout(context.Background(), time.Second)
	defer cancel2()
	assert.ErrorIs(t, l.wait(ctx), context.DeadlineExceeded, "a wait past the deadline is refused at once")
	// The refused reservations were given back: one token is owed, not three.
	assert.LessOrEqual(t, l.reserve(), 2*time.Minute)
}
