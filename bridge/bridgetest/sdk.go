//go:build js && wasm

package bridgetest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/internal/wasm"
)

// Errors a Checkout method returns when the fake app's message went nowhere.
var (
	// ErrDropped: the SDK no longer listens for this checkout (its cleanup
	// was called, or a legacy checkout was answered already), so the
	// message was dropped, as the real SDK drops it.
	ErrDropped = errors.New("bridgetest: dropped: the SDK no longer listens for this checkout")
	// ErrClosed: the SDK was closed.
	ErrClosed = errors.New("bridgetest: the SDK is closed")
	// ErrLegacy: a purchased event on a legacy checkout, which has none; use
	// Succeed or Pay.
	ErrLegacy = errors.New("bridgetest: a legacy checkout has no purchased event")
	// ErrGrantLost: processProductGrant threw or rejected, which the SDK
	// loses (it reports nothing to the app, and the purchase hangs until the
	// app gives up), or it answered something other than a boolean, which
	// the SDK passes on but the fake app will not guess about: it sends
	// nothing either.
	ErrGrantLost = errors.New("bridgetest: the grant answer was lost")
)

// DefaultAppVersion is the Toss app version a new SDK reports: above every
// minimum of IAP (the highest is ios 5.249.0, for subscriptions).
const DefaultAppVersion = "5.250.0"

// The gates the SDK's checkout functions check.
var (
	gateOneTime      = gate("5.219.0", "5.219.0")
	gateGrantReport  = gate("5.231.1", "5.230.0")
	gateSubscription = gate("5.248.0", "5.249.0")
)

// SDK is a fake SDK module namespace: an object with isMinVersionSupported
// and the whole IAP namespace (the two checkout functions and the five
// Promise methods), backed by Go. Its methods are safe for concurrent use.
// Close it when the code under test is done with it (after closing the
// bridge.Client that uses it).
type SDK struct {
	cbs    *wasm.Callbacks
	ns     safejs.Value
	noop   safejs.Value
	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	out    chan *Checkout
	wake   chan struct{}

	mu     sync.Mutex
	app    app
	posted int
	subs   int // subscription checkouts posted, for their ids
	all    []*Checkout
	queue  []*Checkout // posted, not yet received from Checkouts
	closed bool

	// The Promise methods (methods.go) and the store (store.go).
	handlers   map[string]Handler
	calls      map[string]int
	below      Answer
	orders     []*Order
	orderIndex map[string]*Order
	products   []bridge.Product
	pageSize   int
}

// NewSDK makes a fake SDK inside a Toss app 5.250.0 on iOS, in the "toss"
// environment ([DefaultAppVersion]): new enough for every IAP call, the
// current purchase path and subscriptions; use SetApp to test older apps.
// Its catalogue and order store start empty. It panics if Go cannot make JS
// functions, which happens only while the program exits.
func NewSDK() *SDK {
	cbs := wasm.NewCallbacks()
	ctx, cancel := context.WithCancel(context.Background())
	s := &SDK{
		cbs:    cbs,
		ctx:    ctx,
		cancel: cancel,
		out:    make(chan *Checkout),
		wake:   make(chan struct{}, 1),
		app:    app{version: DefaultAppVersion, os: "ios", environment: "toss"},

		handlers:   map[string]Handler{},
		calls:      map[string]int{},
		below:      Undefined(),
		orderIndex: map[string]*Order{},
		products:   []bridge.Product{},
		pageSize:   DefaultPageSize,
	}
	must := func(err error) {
		if err != nil {
			panic("bridgetest: " + err.Error())
		}
	}
	add := func(h wasm.Handler) safejs.Value {
		cb, err := cbs.Add(h)
		must(err)
		return cb.Value
	}
	s.noop = add(func([]safejs.Value) any { return nil })
	iap := wasm.ValueOf(map[string]any{})
	must(iap.Set("createOneTimePurchaseOrder", add(s.createOneTimePurchaseOrder)))
	must(iap.Set("createSubscriptionPurchaseOrder", add(s.createSubscriptionPurchaseOrder)))
	for name, m := range methods {
		must(iap.Set(name, add(s.promiseMethod(m))))
	}
	s.ns = wasm.ValueOf(map[string]any{})
	must(s.ns.Set("IAP", iap))
	must(s.ns.Set("isMinVersionSupported", add(s.isMinVersionSupported)))
	go s.pump()
	return s
}

// Value is the namespace, for bridge.New.
func (s *SDK) Value() safejs.Value { return s.ns }

// SetApp sets the SDK's constants: the Toss app version (like "5.240.0"),
// the platform ("ios" or "android"; the SDK takes anything but "ios" for
// android) and the environment ("toss", or "sandbox", which passes every
// version gate). It panics on a version the SDK could not parse. Checkouts
// already open keep the path they took.
func (s *SDK) SetApp(version, os, environment string) {
	if _, _, err := parseVersion(version); err != nil {
		panic(fmt.Sprintf("bridgetest: SetApp: %q is not a version the SDK can parse", version))
	}
	s.mu.Lock()
	s.app = app{version: version, os: os, environment: environment}
	s.mu.Unlock()
}

// Checkouts delivers every checkout the SDK posted to the app, one-time
// and subscription ones alike, in order. It is closed when the SDK is
// closed.
func (s *SDK) Checkouts() <-chan *Checkout { return s.out }

// Posted is how many checkouts were posted to the app. A call to
// createOneTimePurchaseOrder or createSubscriptionPurchaseOrder that the
// version gate turned into a no-op posts nothing.
func (s *SDK) Posted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.posted
}

// Open is how many checkouts the SDK still listens for: on the current path
// those not cleaned up, on the legacy path those the app has not answered.
func (s *SDK) Open() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, co := range s.all {
		if co.listeningLocked() {
			n++
		}
	}
	return n
}

// Close ends Checkouts and the waits of Checkout methods, which then fail
// with ErrClosed, rejects the Promise method calls left unanswered (with an
// Error whose message is ErrUnanswered's), so the code under test's awaits
// of them let go, and releases the fake's JS functions (at once, or when
// the last grant promise it was awaiting settles). A Handler still blocked
// is not ended: it should not outlive the test. JS must not call the
// namespace's functions afterwards. Close is idempotent.
func (s *SDK) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.cbs.Close()
}

// pump hands posted checkouts to Checkouts, so that posting, which runs
// inside a JS call, never waits for the test to receive.
func (s *SDK) pump() {
	defer close(s.out)
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		if len(s.queue) == 0 {
			s.mu.Unlock()
			select {
			case <-s.wake:
			case <-s.ctx.Done():
			}
			continue
		}
		co := s.queue[0]
		s.queue = s.queue[1:]
		s.mu.Unlock()
		select {
		case s.out <- co:
		case <-s.ctx.Done():
			return
		}
	}
}

func (s *SDK) isMinVersionSupported(args []safejs.Value) any {
	return s.supports(wasm.Arg(args, 0))
}

func (s *SDK) supports(gate wasm.Value) bool {
	s.mu.Lock()
	app := s.app
	s.mu.Unlock()
	ok, err := minVersionSupported(app, gate)
	return ok && err == nil // where the SDK throws, the fake says false
}

// createOneTimePurchaseOrder is the SDK's IAP.createOneTimePurchaseOrder.
func (s *SDK) createOneTimePurchaseOrder(args []safejs.Value) any {
	if !s.supports(gateOneTime) {
		return s.noop
	}
	legacy := !s.supports(gateGrantReport)
	params, options, ok := checkoutParams(args)
	if !ok {
		return safejs.Undefined() // the SDK throws
	}
	sku := options.Get("sku")
	if t := sku.Type(); t == wasm.TypeUndefined || t == wasm.TypeNull {
		sku = options.Get("productId")
	}
	return s.post(&Checkout{
		sdk:     s,
		sku:     sku.Str(),
		legacy:  legacy,
		grant:   wasm.Unwrap(options.Get("processProductGrant")),
		onEvent: wasm.Unwrap(params.Get("onEvent")),
		onError: wasm.Unwrap(params.Get("onError")),
	})
}

// createSubscriptionPurchaseOrder is the SDK's
// IAP.createSubscriptionPurchaseOrder: below android 5.248.0 / ios 5.249.0
// a no-op; else a checkout on the current path, whose purchased event
// carries a subscriptionId, passed to processProductGrant.
func (s *SDK) createSubscriptionPurchaseOrder(args []safejs.Value) any {
	if !s.supports(gateSubscription) {
		return s.noop
	}
	params, options, ok := checkoutParams(args)
	if !ok {
		return safejs.Undefined() // the SDK throws
	}
	s.mu.Lock()
	s.subs++
	id := fmt.Sprintf("sub-%d", s.subs)
	s.mu.Unlock()
	return s.post(&Checkout{
		sdk:            s,
		sku:            options.Get("sku").Str(),
		subscription:   true,
		offerID:        options.Get("offerId").Str(), // the SDK sends offerId ?? null
		subscriptionID: id,
		grant:          wasm.Unwrap(options.Get("processProductGrant")),
		onEvent:        wasm.Unwrap(params.Get("onEvent")),
		onError:        wasm.Unwrap(params.Get("onError")),
	})
}

// checkoutParams reads a checkout function's params and params.options;
// ok is false where the SDK throws reading them (no params, or options not
// an object).
func checkoutParams(args []safejs.Value) (params, options wasm.Value, ok bool) {
	if len(args) == 0 {
		return nil, nil, false
	}
	params = wasm.JS(args[0])
	options = params.Get("options")
	t := options.Type()
	return params, options, t == wasm.TypeObject || t == wasm.TypeFunction
}

// post hands co to the app (Checkouts) and returns its cleanup.
func (s *SDK) post(co *Checkout) any {
	cleanup, err := s.cbs.Add(co.cleanup)
	if err != nil {
		return safejs.Undefined()
	}
	s.mu.Lock()
	s.posted++
	s.all = append(s.all, co)
	s.queue = append(s.queue, co)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return cleanup.Value
}
