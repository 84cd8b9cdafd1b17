//go:build js && wasm

package main

import (
	"context"
	"sync"
)

// callTable maps the loader's call ids to contexts, so an AbortSignal in
// the page can cancel a purchase in Go.
type callTable struct {
	mu    sync.Mutex
	calls map[float64]context.CancelFunc
}

func newCallTable() *callTable { return &callTable{calls: map[float64]context.CancelFunc{}} }

// begin registers a call; done must be called when it ends.
func (t *callTable) begin(id float64) (ctx context.Context, done func()) {
	ctx, cancel := context.WithCancel(context.Background())
	t.mu.Lock()
	t.calls[id] = cancel
	t.mu.Unlock()
	return ctx, func() {
		t.mu.Lock()
		delete(t.calls, id)
		t.mu.Unlock()
		cancel()
	}
}

func (t *callTable) cancel(id float64) {
	t.mu.Lock()
	cancel := t.calls[id]
	t.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func (t *callTable) cancelAll() {
	t.mu.Lock()
	for _, cancel := range t.calls {
		cancel()
	}
	t.mu.Unlock()
}
