//go:build js && wasm

package bridge

import (
	"context"
	"sync"
	"time"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/internal/gates"
	"github.com/goiap/goiap/internal/wasm"
)

// flowSpec is what differs between a one-time and a subscription purchase.
type flowSpec struct {
	method   string           // the IAP function that opens the checkout
	min      gates.MinVersion // the app it needs
	what     string           // for messages
	sku      string
	extra    map[string]any // more options, like offerId
	grant    func(ctx context.Context, orderID, subscriptionID string) (bool, error)
	timeout  time.Duration
	legacyOK bool // whether the one-time legacy path applies
	success  func(Result)
	fail     func(*Error)
}

// flow is one purchase from checkout to settling. It settles exactly once;
// events after that are dropped.
type flow struct {
	c      *Client
	spec   flowSpec
	legacy bool

	mu         sync.Mutex
	done       bool
	orderID    string
	grants     map[string]*grantCall
	ids        []uint32 // the event handlers, dropped when the flow settles
	grantID    uint32   // the grant handler
	sdkCleanup safejs.Value
}

// start opens the checkout. Errors before the SDK is called are returned
// (and nothing was posted to the app); later ones go to spec.fail.
func (c *Client) start(spec flowSpec) (func(), error) {
	if err := ValidateSKU(spec.sku); err != nil {
		return nil, err
	}
	if spec.grant == nil {
		return nil, newError(ErrUnknown, "no grant function given", "", nil)
	}
	if spec.timeout <= 0 {
		spec.timeout = c.grantTimeout
	}
	f := &flow{c: c, spec: spec, grants: map[string]*grantCall{}}
	c.mu.Lock()
	switch {
	case c.closed:
		c.mu.Unlock()
		return nil, newError(ErrClosed, "the client is closed", "", nil)
	case c.active != nil:
		c.mu.Unlock()
		return nil, newError(ErrPurchaseInProgress, "a purchase is already in flight", "", nil)
	}
	c.active = f
	c.mu.Unlock()

	if err := f.open(); err != nil {
		f.release(true)
		c.finish(f)
		return nil, err
	}
	return f.abort, nil
}

func (f *flow) open() *Error {
	c := f.c
	m, err := c.method(f.spec.method)
	if err != nil {
		return err
	}
	if err := c.require(f.spec.min, f.spec.what); err != nil {
		return err
	}
	if f.spec.legacyOK {
		current, err := c.supports(gates.GrantReport)
		if err != nil {
			return err
		}
		f.legacy = !current
	}

	grantCB, gerr := c.cbs.Add(f.onGrant)
	var evCB, errCB wasm.Callback
	if gerr == nil {
		if f.legacy {
			c.cbs.Keep(grantCB.ID) // a paid order reaches the grant even after Close
			// The legacy path ends in exactly one of the two, once, whenever
			// the app answers, even after cleanup (its cleanup is a no-op).
			evCB, errCB, gerr = c.cbs.AddSettle(f.onEvent, f.onError)
		} else {
			evCB, gerr = c.cbs.Add(f.onEvent)
			if gerr == nil {
				errCB, gerr = c.cbs.Add(f.onError)
			}
		}
	}
	f.mu.Lock()
	f.grantID = grantCB.ID
	f.ids = append(f.ids, evCB.ID, errCB.ID)
	f.mu.Unlock()
	if gerr != nil {
		return newError(ErrClosed, "the client is closed", "", gerr)
	}

	options := map[string]any{"sku": f.spec.sku, "processProductGrant": grantCB.Value}
	for k, v := range f.spec.extra {
		options[k] = v
	}
	params := map[string]any{"options": options, "onEvent": evCB.Value, "onError": errCB.Value}
	cleanup, perr := m.Invoke(params)
	if perr != nil {
		return newError(ErrSDKUnavailable, "IAP."+f.spec.method+" threw: "+perr.Error(), "", perr)
	}
	f.mu.Lock()
	settledAlready := f.done
	f.sdkCleanup = cleanup
	f.mu.Unlock()
	if settledAlready { // the app answered synchronously
		callCleanup(cleanup)
	}
	return nil
}

// onGrant is the SDK's processProductGrant. It answers at once, false or a
// Promise that always resolves true or false, whatever it is handed: the
// SDK loses a rejection, and the purchase would hang until the app gives up.
func (f *flow) onGrant(args []safejs.Value) (answer any) {
	defer func() {
		if r := recover(); r != nil {
			answer = false
		}
	}()
	arg := wasm.Arg(args, 0)
	orderID := arg.Get("orderId").Str()
	subscriptionID := arg.Get("subscriptionId").Str()
	if orderID == "" {
		return false // nothing to grant; the app will not count it as granted
	}
	f.mu.Lock()
	g, seen := f.grants[orderID]
	f.orderID = orderID
	f.mu.Unlock()

	var run func()
	if !seen {
		// A recovery of this client may be granting the order already, or
		// have granted it: startGrant joins or answers that.
		g, run = f.c.startGrant(orderID, func() bool {
			return runGrant(func(ctx context.Context) (bool, error) {
				return f.spec.grant(ctx, orderID, subscriptionID)
			}, f.spec.timeout)
		})
		f.mu.Lock()
		f.grants[orderID] = g
		f.mu.Unlock()
	}
	// The promise's own goroutine runs a grant this call started.
	p, err := f.c.cbs.Promise(func() (any, error) {
		if run != nil {
			run()
		}
		<-g.done
		return g.ok, nil
	})
	if err != nil {
		if run != nil {
			go run() // a paid order is still granted; the SDK hears false
		}
		return false
	}
	return p
}

// onEvent takes the SDK's events; only success ends the flow. Once this
// flow's grant answered true the purchase succeeds, whatever the success
// data looks like: a granted order is never reported as a failure.
func (f *flow) onEvent(args []safejs.Value) any {
	if f.legacy {
		defer f.c.cbs.Remove(f.grantID) // the app has answered: no grant can come after this
	}
	if len(args) == 0 {
		return nil
	}
	ev := wasm.JS(args[0])
	if ev.Get("type").Str() != "success" {
		return nil
	}
	data := ev.Get("data")
	res, derr := decodeResult(data)
	if derr != nil {
		res = Result{OrderID: data.Get("orderId").Str(), Incomplete: true}
		if res.OrderID == "" {
			res.OrderID = f.knownOrderID()
		}
	}
	f.mu.Lock()
	g := f.grants[res.OrderID]
	f.mu.Unlock()
	if g == nil {
		msg := "success for an order that was never granted"
		if derr != nil {
			msg = "malformed success data: " + derr.Error()
		}
		f.settle(nil, newError(ErrInvalidResponse, msg, res.OrderID, derr))
		return nil
	}
	// Success counts only if our grant said true: the legacy path reports
	// success whatever the grant answered. A grant still running is waited
	// for off the event loop; one that has answered (the usual case) is
	// settled here, without a goroutine.
	decide := func() {
		switch {
		case g.ok:
			f.settle(&res, nil)
		case derr != nil:
			f.settle(nil, newError(ErrInvalidResponse, "malformed success data: "+derr.Error(), res.OrderID, derr))
		default:
			f.settle(nil, newError(ErrProductNotGrantedByPartner, "the grant answered false", res.OrderID, nil))
		}
	}
	select {
	case <-g.done:
		decide()
	default:
		go func() {
			<-g.done
			decide()
		}()
	}
	return nil
}

func (f *flow) onError(args []safejs.Value) any {
	if f.legacy {
		defer f.c.cbs.Remove(f.grantID)
	}
	f.settle(nil, errorFromJS(wasm.Arg(args, 0), f.knownOrderID()))
	return nil
}

func (f *flow) knownOrderID() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.orderID
}

// abort is the cleanup handed to the caller: idempotent, and it settles a
// flow still open with ErrAborted.
func (f *flow) abort() {
	f.settle(nil, newError(ErrAborted, "the purchase was cleaned up before it settled", f.knownOrderID(), nil))
}

// settle ends the flow once: it drops the handlers, calls the SDK's cleanup
// and delivers the outcome in a new goroutine, so no user code runs on the
// JS event loop.
func (f *flow) settle(res *Result, err *Error) {
	f.mu.Lock()
	if f.done {
		f.mu.Unlock()
		return
	}
	f.done = true
	cleanup := f.sdkCleanup
	f.mu.Unlock()

	f.release(false)
	callCleanup(cleanup)
	f.c.finish(f)
	if res != nil {
		f.c.forgetGranted(res.OrderID) // the app reported success: it has the order completed
		if f.spec.success != nil {
			r := *res
			go wasm.Guard(func() { f.spec.success(r) })
		}
		return
	}
	if f.spec.fail != nil {
		go wasm.Guard(func() { f.spec.fail(err) })
	}
}

// release drops the flow's handlers. On the legacy path they stay until the
// app answers, unless forced (the SDK was never called): a paid order must
// still reach the grant, even after abort.
func (f *flow) release(force bool) {
	if f.legacy && !force {
		return
	}
	f.mu.Lock()
	ids := append(f.ids, f.grantID)
	f.mu.Unlock()
	f.c.cbs.Remove(ids...)
}

func (c *Client) finish(f *flow) {
	c.mu.Lock()
	if c.active == f {
		c.active = nil
		c.forgetIfIdleLocked()
	}
	c.mu.Unlock()
}

func callCleanup(cleanup safejs.Value) {
	if wasm.JS(cleanup).Type() == wasm.TypeFunction {
		_, _ = cleanup.Invoke()
	}
}
