//go:build js && wasm

// Command goiap is the program built to web/main.wasm. It is the whole
// JS-facing surface: it reads its boot object from the global the loader
// (web/goiap.js) names in argv, builds a bridge.Client over the SDK it was
// given, and hands the loader an object of exported functions:
//
//	buy(callId, sku)                  → Promise<result>
//	subscribe(callId, sku, offerId)   → Promise<result>
//	products(callId)                  → Promise<product[]>
//	pendingOrders(callId)             → Promise<{orderId, sku, paymentCompletedDate}[]>
//	recover(callId)                   → Promise<{granted: orderId[], failed: {orderId, code}[]}>
//	orders(callId, key)               → Promise<{hasNext, nextKey, orders[]}>
//	subscriptionInfo(callId, orderId) → Promise<info>
//	cancel(callId)                    (the loader's AbortSignal)
//	stats()                           → {inFlight, liveCallbacks, dropped, panics}
//	memStats()                        → Promise<{heapInUse, heapAlloc, heapObjects, goroutines}> after a GC (diagnostics)
//	close()
//
// Every rejection is an Error with .code and, when an order is known, .orderId.
//
// The grant is a JSON POST to grantURL through JS fetch; net/http and
// encoding/json would add megabytes to main.wasm.
package main

import (
	"context"
	"os"
	"runtime"
	"syscall/js"
	"time"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/wasm"
)

func main() {
	if len(os.Args) < 2 {
		println("goiap: start me with web/goiap.js (no boot key in argv)")
		os.Exit(2)
	}
	global := js.Global()
	boot := global.Get(os.Args[1])
	global.Delete(os.Args[1])
	if boot.Type() != js.TypeObject {
		println("goiap: boot object " + os.Args[1] + " not found")
		os.Exit(2)
	}
	wasm.SetPromiseResolvers(boot.Get("withResolvers")) // saves a JS→Go call per promise
	a, err := newApp(boot)
	if err != nil {
		boot.Call("fail", err.Error())
		os.Exit(1)
	}
	boot.Call("ready", a.exports())
	<-a.closed
	boot.Call("closed") // the page's close() resolves now
	// Grants that had started (or that a legacy checkout still open will
	// start) still run, await fetch through a.promises, and answer the SDK:
	// the client is done only once it owes JS no answer.
	<-a.client.Done()
	a.promises.Close()
	// Stay until no JS callback can reach this program: a promise the
	// client gave up on may still settle, and calling into an exited Go
	// program throws in the caller.
	<-a.promises.Released()
	a.releaseExports()
}

// app is one client as the page sees it.
type app struct {
	client   *bridge.Client
	promises *wasm.Callbacks // promises handed to JS, and awaits of fetch
	grants   *granter

	calls   *callTable
	funcs   []*wasm.Func
	closed  chan struct{}
	closing chan struct{}
}

func newApp(boot js.Value) (*app, error) {
	timeout := time.Duration(boot.Get("grantTimeoutMs").Float()) * time.Millisecond
	client, err := bridge.New(safejs.Safe(boot.Get("sdk")), bridge.WithGrantTimeout(timeout))
	if err != nil {
		return nil, err
	}
	promises, err := wasm.NewCallbacks()
	if err != nil {
		return nil, err
	}
	return &app{
		client:   client,
		promises: promises,
		grants:   &granter{url: boot.Get("grantURL").String(), fetch: boot.Get("fetch"), await: promises},
		calls:    newCallTable(),
		closed:   make(chan struct{}),
		closing:  make(chan struct{}),
	}, nil
}

func (a *app) exports() js.Value {
	obj := js.Global().Get("Object").New()
	for name, fn := range map[string]func(args []safejs.Value) any{
		"buy":              a.async(a.buy),
		"subscribe":        a.async(a.subscribe),
		"products":         a.async(a.products),
		"pendingOrders":    a.async(a.pendingOrders),
		"recover":          a.async(a.recover),
		"orders":           a.async(a.orders),
		"subscriptionInfo": a.async(a.subscriptionInfo),
		"cancel":           a.cancel,
		"stats":            a.stats,
		"memStats":         a.memStats,
		"close":            a.close,
	} {
		f, err := wasm.FuncOf(func(_ safejs.Value, args []safejs.Value) any { return fn(args) })
		if err != nil {
			continue
		}
		a.funcs = append(a.funcs, f)
		obj.Set(name, f.Value())
	}
	return obj
}

func (a *app) releaseExports() {
	for _, f := range a.funcs {
		f.Release()
	}
}

func arg(args []safejs.Value, i int) safejs.Value {
	if i < len(args) {
		return args[i]
	}
	return safejs.Undefined()
}

// async exports fn as a JS function (callId, ...args) → Promise. fn runs in
// a goroutine, so the page's event loop never waits on Go; callId lets the
// loader's AbortSignal cancel ctx.
func (a *app) async(fn func(ctx context.Context, args []safejs.Value) (any, error)) func(args []safejs.Value) any {
	return func(args []safejs.Value) any {
		callID, _ := arg(args, 0).Float()
		rest := []safejs.Value{}
		if len(args) > 1 {
			rest = args[1:]
		}
		ctx, done := a.calls.begin(callID)
		p, err := a.promises.Promise(func() (any, error) {
			defer done()
			v, err := fn(ctx, rest)
			if err != nil {
				return nil, asJSError(err)
			}
			return v, nil
		})
		if err != nil {
			done()
			return closedRejection(err)
		}
		return p
	}
}

// buy(callId, sku) → the purchase result.
func (a *app) buy(ctx context.Context, args []safejs.Value) (any, error) {
	sku, err := skuArg(arg(args, 0))
	if err != nil {
		return nil, err
	}
	res, err := a.client.Purchase(ctx, sku, a.grants.oneTime(sku))
	if err != nil {
		return nil, err
	}
	return resultValue(res), nil
}

func (a *app) cancel(args []safejs.Value) any {
	id, _ := arg(args, 0).Float()
	a.calls.cancel(id)
	return nil
}

func (a *app) stats(_ []safejs.Value) any {
	s := a.client.Stats()
	return map[string]any{
		"inFlight":      s.InFlight,
		"liveCallbacks": s.LiveCallbacks + a.promises.Live(),
		"dropped":       s.Dropped + a.promises.Dropped(),
		"panics":        wasm.Panics(),
	}
}

// memStats is for leak checks (bench/): Go's heap in use after a full GC.
// The GC runs in a goroutine, never on the event loop; the yields between
// the two collections let the finalizers of dropped js.Values run, so the
// JS values Go holds can be counted right after it resolves.
func (a *app) memStats(_ []safejs.Value) any {
	p, err := a.promises.Promise(func() (any, error) {
		runtime.GC()
		runtime.Gosched()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return map[string]any{
			"heapInUse":   float64(m.HeapInuse),
			"heapAlloc":   float64(m.HeapAlloc),
			"heapObjects": float64(m.HeapObjects),
			"goroutines":  runtime.NumGoroutine(),
		}, nil
	})
	if err != nil {
		return closedRejection(err)
	}
	return p
}

// close is idempotent; the program exits once nothing in JS can call it.
func (a *app) close(_ []safejs.Value) any {
	select {
	case <-a.closing:
		return nil
	default:
		close(a.closing)
	}
	go func() { // Close settles flows and calls JS: not on the event loop
		_ = a.client.Close() // the purchase in flight ends with CLOSED, not ABORTED
		a.calls.cancelAll()
		close(a.closed) // main closes a.promises once no grant runs
	}()
	return nil
}

func resultValue(r bridge.Result) map[string]any {
	if r.Incomplete { // granted, but the app's success data was unusable
		return map[string]any{"orderId": r.OrderID, "incomplete": true}
	}
	var icon any
	if r.MiniAppIconURL != nil {
		icon = *r.MiniAppIconURL
	}
	return map[string]any{
		"orderId":        r.OrderID,
		"displayName":    r.DisplayName,
		"displayAmount":  r.DisplayAmount,
		"amount":         r.Amount,
		"currency":       r.Currency,
		"fraction":       r.Fraction,
		"miniAppIconUrl": icon,
	}
}
