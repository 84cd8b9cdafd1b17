//go:build js && wasm

package bridge

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/internal/gates"
	"github.com/goiap/goiap/internal/wasm"
)

// DefaultGrantTimeout is how long a grant may run before it is answered
// false. The Toss app waits about 30 s for the grant report.
const DefaultGrantTimeout = 25 * time.Second

// Option configures a Client.
type Option func(*Client)

// WithGrantTimeout sets how long a grant may run before the SDK is told
// false; d <= 0 keeps the default.
func WithGrantTimeout(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.grantTimeout = d
		}
	}
}

// Client is the IAP namespace of one SDK module, with at most one purchase
// in flight. Its methods are safe for concurrent use.
type Client struct {
	iap          wasm.Value // sdk.IAP, or undefined
	isMin        wasm.Value // sdk.isMinVersionSupported, or undefined
	cbs          *wasm.Callbacks
	grantTimeout time.Duration

	gatesMu sync.Mutex
	gates   map[gates.MinVersion]safejs.Value // the gate objects, made once

	// closedCtx is done once Close is called: it ends the Promise calls in flight.
	closedCtx   context.Context
	closeCalled context.CancelFunc

	mu          sync.Mutex
	closed      bool
	active      *flow                 // the purchase in flight, if any
	recovering  *recovery             // the recovery in flight, if any
	grants      map[string]*grantCall // the grant running for each order, if any
	granted     map[string]bool       // orders a grant of this client answered true
	forgetLater []string              // granted marks to drop when idle (see forgetGranted)
	running     atomic.Int64
}

// New makes a client from the SDK's module namespace (what
// `import * as sdk from '@apps-in-toss/web-framework'` gives). A namespace
// without IAP is accepted; its calls fail with ErrSDKUnavailable.
func New(sdk safejs.Value, opts ...Option) (*Client, error) {
	c := &Client{
		iap:          wasm.Go(wasm.Missing),
		isMin:        wasm.Go(wasm.Missing),
		cbs:          wasm.NewCallbacks(),
		grantTimeout: DefaultGrantTimeout,
		gates:        map[gates.MinVersion]safejs.Value{},
		grants:       map[string]*grantCall{},
		granted:      map[string]bool{},
	}
	c.closedCtx, c.closeCalled = context.WithCancel(context.Background())
	for _, o := range opts {
		o(c)
	}
	ns := wasm.JS(sdk)
	if v := ns.Get("IAP"); v.Type() == wasm.TypeObject {
		c.iap = v
	}
	if v := ns.Get("isMinVersionSupported"); v.Type() == wasm.TypeFunction {
		c.isMin = v
	}
	return c, nil
}

// Stats is what a client holds right now; both are 0 when it is idle.
type Stats struct {
	InFlight      int // purchases not settled, plus grants still running
	LiveCallbacks int // Go callbacks JS can still reach
	Dropped       int // JS calls that came after their flow ended
}

// Stats reports what the client holds.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	inFlight := 0
	if c.active != nil {
		inFlight = 1
	}
	c.mu.Unlock()
	return Stats{
		InFlight:      inFlight + int(c.running.Load()),
		LiveCallbacks: c.cbs.Live(),
		Dropped:       c.cbs.Dropped(),
	}
}

// Close ends the purchase and the Promise calls in flight with ErrClosed,
// cleans up the SDK listeners, and makes every later call fail with
// ErrClosed. Grants that have started still finish and are reported. It is
// idempotent.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closeCalled()
	c.closed = true
	f := c.active
	c.mu.Unlock()
	if f != nil {
		f.settle(nil, newError(ErrClosed, "the client was closed", f.knownOrderID(), nil))
	}
	c.cbs.Close()
	return nil
}

// Done is closed once the client is closed, every grant it started has
// been answered to the SDK, and no JS callback can reach it any more
// (promises it gave up on have settled).
func (c *Client) Done() <-chan struct{} { return c.cbs.Released() }

// method looks up an IAP function by name.
func (c *Client) method(name string) (safejs.Value, *Error) {
	if c.iap.Type() != wasm.TypeObject {
		return safejs.Undefined(), newError(ErrSDKUnavailable, "the SDK has no IAP namespace", "", nil)
	}
	m := c.iap.Get(name)
	if m.Type() != wasm.TypeFunction {
		return safejs.Undefined(), newError(ErrSDKUnavailable, "the SDK has no IAP."+name, "", nil)
	}
	return wasm.Unwrap(m), nil
}

// supports asks the SDK whether the app meets m. Failing to ask (no
// isMinVersionSupported, or it throws because the app's constants are
// missing) is ErrSDKUnavailable.
func (c *Client) supports(m gates.MinVersion) (bool, *Error) {
	if c.isMin.Type() != wasm.TypeFunction {
		return false, newError(ErrSDKUnavailable, "the SDK has no isMinVersionSupported", "", nil)
	}
	v, err := wasm.Unwrap(c.isMin).Invoke(c.gate(m))
	if err != nil {
		return false, newError(ErrSDKUnavailable, "isMinVersionSupported failed: "+err.Error(), "", err)
	}
	ok, _ := v.Truthy()
	return ok, nil
}

// require fails with ErrUnsupportedAppVersion when the app is older than m.
func (c *Client) require(m gates.MinVersion, what string) *Error {
	ok, err := c.supports(m)
	if err != nil {
		return err
	}
	if !ok {
		return newError(ErrUnsupportedAppVersion, what+" needs Toss app "+m.String()+" or newer", "", nil)
	}
	return nil
}

func (c *Client) gate(m gates.MinVersion) safejs.Value {
	c.gatesMu.Lock()
	defer c.gatesMu.Unlock()
	g, ok := c.gates[m]
	if !ok {
		g = wasm.ValueOf(map[string]any{"android": m.Android, "ios": m.IOS})
		c.gates[m] = g
	}
	return g
}
