package tossapi

import (
	"context"
	"sync"
	"time"
)

// limiter is a token bucket: rate tokens a second, up to burst saved up.
// Toss counts 3,000 requests a minute per mini-app across all partner APIs;
// the bucket keeps one process under its share of that.
type limiter struct {
	mu     sync.Mutex
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
	now    func() time.Time
}

func newLimiter(perMinute int, now func() time.Time) *limiter {
	rate := float64(perMinute) / 60
	burst := rate // one second's worth
	if burst < 1 {
		burst = 1
	}
	return &limiter{rate: rate, burst: burst, tokens: burst, last: now(), now: now}
}

// reserve takes a token and says how long to wait before using it.
func (l *limiter) reserve() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if elapsed := now.Sub(l.last); elapsed > 0 {
		l.tokens += elapsed.Seconds() * l.rate
		if l.tokens > l.burst {
			l.tokens = l.burst
		}
	}
	l.last = now
	l.tokens--
	if l.tokens >= 0 {
		return 0
	}
	return time.Duration(-l.tokens / l.rate * float64(time.Second))
}

// cancel gives back a token that was reserved and not used.
func (l *limiter) cancel() {
	l.mu.Lock()
	l.tokens++
	l.mu.Unlock()
}

// wait blocks until a request may go, or the context ends.
func (l *limiter) wait(ctx context.Context) error {
	d := l.reserve()
	if d == 0 {
		return nil
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
		l.cancel()
		return context.DeadlineExceeded
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		l.cancel()
		return ctx.Err()
	}
}
