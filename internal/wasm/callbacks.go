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
	Value safejs.Value
}

// router is the one js.Func of the program: every handler is handed to JS
// as router.bind(undefined, owner, id). It is never released, so a stale
// reference JS keeps (an SDK listener that fires late, a promise that
// settles after its awaiter gave up, a client's function called after its
// close) reaches a live function and is dropped, never a released one.
var router struct {
	fn     js.Value
	bind   js.Value
	mu     sync.Mutex
	next   uint32
	owners map[uint32]*Callbacks
}

func init() {
	router.owners = map[uint32]*Callbacks{}
	router.fn = js.FuncOf(func(_ js.Value, args []js.Value) any {
		result := any(js.Undefined()) // what a panic answers
		Guard(func() { result = unsafeData(route(args)) })
		return result
	}).Value
	router.bind = router.fn.Get("bind")
}

func route(jsArgs []js.Value) any {
	args := make([]safejs.Value, len(jsArgs))
	for i, a := range jsArgs {
		args[i] = safejs.Safe(a)
	}
	if len(args) < 2 {
		return js.Undefined()
	}
	owner, err1 := args[0].Float()
	id, err2 := args[1].Float()
	router.mu.Lock()
	c := router.owners[uint32(owner)]
	router.mu.Unlock()
	if c == nil || err1 != nil || err2 != nil {
		return js.Undefined() // its owner is gone: nothing waits for this call
	}
	return c.dispatch(uint32(id), args[2:])
}

// Callbacks routes JS calls to one owner's Go handlers, so a handler can be
// forgotten the moment its flow ends: a call for an id that is gone is
// dropped and counted.
//
// Close refuses new handlers and drops plain ones at once, but settle pairs
// (see AddSettle) and handlers marked with Keep live on until JS calls them
// or they are removed: an await in progress still gets its answer, and a
// flow that must still reach Go (a grant after payment) still does.
type Callbacks struct {
	owner uint32

	mu       sync.Mutex
	next     uint32
	handlers map[uint32]entry
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

// NewCallbacks makes a router for one owner.
func NewCallbacks() *Callbacks {
	c := &Callbacks{handlers: map[uint32]entry{}, released: make(chan struct{})}
	router.mu.Lock()
	router.next++
	c.owner = router.next
	router.owners[c.owner] = c
	router.mu.Unlock()
	return c
}

func (c *Callbacks) dispatch(id uint32, args []safejs.Value) any {
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
	}
	c.mu.Unlock()
	if !ok {
		return js.Undefined()
	}
	return e.h(args)
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
// callbacks. The first call retires both. Until then the pair survives
// Close, so a late settle is still answered.
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
	args := make([]any, 0, 4+len(extra))
	args = append(args, router.fn, js.Undefined(), c.owner, id)
	for _, e := range extra {
		args = append(args, unsafeData(e))
	}
	return Callback{ID: id, Value: safejs.Safe(router.bind.Call("call", args...))}
}

// Remove forgets handlers; JS calls for them are dropped from now on. A
// settle pair is forgotten whole when either id is given. It is idempotent.
func (c *Callbacks) Remove(ids ...uint32) {
	c.mu.Lock()
	for _, id := range ids {
		if e, ok := c.handlers[id]; ok {
			delete(c.handlers, id)
			delete(c.handlers, e.pair)
		}
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
	for id, e := range c.handlers {
		if e.pair == 0 || id < e.pair { // a pair is retired whole: count its first id
			n++
		}
	}
	return n
}

// Dropped is how many JS calls arrived for handlers already gone: events
// after cleanup, duplicate settles, late promises.
func (c *Callbacks) Dropped() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dropped
}

// Close refuses new handlers and forgets the plain ones; the kept ones live
// until they are called or removed. It is idempotent.
func (c *Callbacks) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for id, e := range c.handlers {
		if !e.keep {
			delete(c.handlers, id)
		}
	}
	c.releaseIfDoneLocked()
}

// Released is closed once Close has run, no handler is left and every
// Promise handed to JS has settled: Go owes JS no answer any more, and
// later JS calls for this owner are ignored.
func (c *Callbacks) Released() <-chan struct{} { return c.released }

func (c *Callbacks) releaseIfDoneLocked() {
	if !c.closed || len(c.handlers) > 0 || c.promises > 0 || c.owner == 0 {
		return
	}
	router.mu.Lock()
	delete(router.owners, c.owner)
	router.mu.Unlock()
	c.owner = 0
	close(c.released)
}
