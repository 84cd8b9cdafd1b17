//go:build js && wasm

package wasm

import (
	"errors"
	"sync"
	"syscall/js"

	"github.com/hack-pad/safejs"
)

// ErrClosed is returned by a [Callbacks] that has been closed.
var ErrClosed = errors.New("wasm: callbacks closed")

// Handler is Go code called from JS. It runs on the JS event loop, so it
// must not block: start a goroutine for anything slow.
type Handler func(args []safejs.Value) any

// Callback is a handler as JS sees it: a bound function that names the
// handler by ID.
type Callback struct {
	ID    uint32
	Value js.Value
}

// Callbacks routes JS calls to Go handlers through one js.Func, so that a
// handler can be forgotten the moment its flow ends: each handler is handed
// to JS as dispatch.bind(undefined, id), and a call for an id that is gone is
// dropped and counted. This gives what releasing a js.Func per callback
// cannot: JS may keep a stale reference (an SDK listener that fires late, a
// promise that settles after its awaiter gave up) without ever reaching a
// released function.
//
// Close refuses new handlers and drops plain ones at once, but settle pairs
// (see AddSettle) and handlers marked with Keep live on until JS calls them
// or they are removed: an await in progress still gets its answer, and a
// flow that must still reach Go (a grant after payment) still does. The one
// js.Func is released when the last of them is gone.
type Callbacks struct {
	fn      *Func
	fnValue js.Value
	bind    js.Value

	mu       sync.Mutex
	next     uint32
	handlers map[uint32]entry
	orphans  map[uint32]uint32 // id → pair, for pairs given up in Go that JS has yet to call
	dropped  int
	promises int // handed to JS by Promise and not yet settled
	closed   bool
	released chan struct{}
}

type entry struct {
	h    Handler
	pair uint32 // the other id of a settle pair, 0 if none
	keep bool   // survives Close
}

// NewCallbacks makes a router with its one js.Func.
func NewCallbacks() (*Callbacks, error) {
	c := &Callbacks{handlers: map[uint32]entry{}, orphans: map[uint32]uint32{}, released: make(chan struct{})}
	fn, err := FuncOf(c.dispatch)
	if err != nil {
		return nil, err
	}
	c.fn = fn
	c.fnValue = fn.Value()
	c.bind = c.fnValue.Get("bind")
	return c, nil
}

func (c *Callbacks) dispatch(_ safejs.Value, args []safejs.Value) any {
	if len(args) == 0 {
		return nil
	}
	idf, err := args[0].Float()
	if err != nil {
		return nil
	}
	id := uint32(idf)
	c.mu.Lock()
	e, ok := c.handlers[id]
	switch {
	case ok && e.pair != 0:
		// A settle pair is called once: the first call retires both.
		delete(c.handlers, id)
		delete(c.handlers, e.pair)
		c.releaseIfDoneLocked()
	case !ok:
		c.dropped++
		if other, orphan := c.orphans[id]; orphan {
			delete(c.orphans, id)
			delete(c.orphans, other)
			c.releaseIfDoneLocked()
		}
	}
	c.mu.Unlock()
	if !ok {
		return js.Undefined()
	}
	return e.h(args[1:])
}

// Add registers h and returns the function to hand to JS. Extra bound
// arguments come before the ones JS passes, as with Function.bind.
func (c *Callbacks) Add(h Handler, bound ...any) (Callback, error) {
	ids, err := c.register(h, nil)
	if err != nil {
		return Callback{}, err
	}
	return c.bound(ids[0], bound), nil
}

// AddSettle registers two handlers of which JS calls exactly one, once: a
// promise's fulfil and reject, or an SDK flow that ends in one of two
// callbacks. The first call retires both. Until then the pair keeps the
// js.Func alive even past Close, so a late settle is dropped, not an error.
func (c *Callbacks) AddSettle(a, b Handler) (Callback, Callback, error) {
	ids, err := c.register(a, b)
	if err != nil {
		return Callback{}, Callback{}, err
	}
	return c.bound(ids[0], nil), c.bound(ids[1], nil), nil
}

func (c *Callbacks) register(a, b Handler) ([2]uint32, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return [2]uint32{}, ErrClosed
	}
	c.next++
	ida := c.next
	if b == nil {
		c.handlers[ida] = entry{h: a}
		return [2]uint32{ida}, nil
	}
	c.next++
	idb := c.next
	c.handlers[ida] = entry{h: a, pair: idb, keep: true}
	c.handlers[idb] = entry{h: b, pair: ida, keep: true}
	return [2]uint32{ida, idb}, nil
}

// bound is called outside the lock: it is a call into JS.
func (c *Callbacks) bound(id uint32, extra []any) Callback {
	args := make([]any, 0, 3+len(extra))
	args = append(args, c.fnValue, js.Undefined(), id)
	args = append(args, extra...)
	return Callback{ID: id, Value: c.bind.Call("call", args...)}
}

// Remove forgets handlers; JS calls for them are dropped from now on. A
// settle pair is forgotten whole when either id is given. It is idempotent.
func (c *Callbacks) Remove(ids ...uint32) {
	c.mu.Lock()
	for _, id := range ids {
		c.removeLocked(id)
	}
	c.releaseIfDoneLocked()
	c.mu.Unlock()
}

// Keep makes a handler survive Close, until it is removed.
func (c *Callbacks) Keep(id uint32) {
	c.mu.Lock()
	if e, ok := c.handlers[id]; ok {
		e.keep = true
		c.handlers[id] = e
	}
	c.mu.Unlock()
}

func (c *Callbacks) removeLocked(id uint32) {
	e, ok := c.handlers[id]
	if !ok {
		return
	}
	delete(c.handlers, id)
	if e.pair != 0 {
		delete(c.handlers, e.pair)
		c.orphans[id] = e.pair
		c.orphans[e.pair] = id
	}
}

func (c *Callbacks) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// Live is how many handlers Go still waits on: settle pairs count once.
func (c *Callbacks) Live() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, e := range c.handlers {
		if e.pair == 0 {
			n += 2
		} else {
			n++
		}
	}
	return n / 2
}

// Dropped is how many JS calls arrived for handlers already gone: events
// after cleanup, duplicate settles, late promises.
func (c *Callbacks) Dropped() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dropped
}

// Close refuses new handlers, forgets the plain ones, and releases the
// js.Func once the kept ones and the orphaned settle pairs are gone. It is
// idempotent.
func (c *Callbacks) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for id, e := range c.handlers {
		if !e.keep {
			c.removeLocked(id)
		}
	}
	c.releaseIfDoneLocked()
}

// Released is closed once Close has run, every Promise handed to JS has
// settled, and the js.Func is released: from then on nothing in JS can call
// into this router, and Go owes JS no answer.
func (c *Callbacks) Released() <-chan struct{} { return c.released }

func (c *Callbacks) releaseIfDoneLocked() {
	if c.closed && len(c.handlers) == 0 && len(c.orphans) == 0 && c.promises == 0 && c.fn != nil {
		c.fn.Release()
		c.fn = nil
		close(c.released)
	}
}
