//go:build js && wasm

// Command goiap is the program built to web/main.wasm: one Go program per
// page, started once by the loader (web/goiap.js) and running as long as the
// page. It hands the loader a constructor, newClient(opts), through the boot
// object the loader names in GOIAP_BOOT; each call makes an independent
// client over opts.sdk and answers the object of functions the loader's
// Client calls: buy, subscribe, products, pendingOrders, recover, orders and
// subscriptionInfo take the loader's call id first and return a Promise of
// the shapes in web/wire.gen.d.ts (generated from package bridge);
// cancel(callId) serves the AbortSignal; stats(), memStats() (diagnostics)
// and close() (a Promise) complete it. Every rejection is an Error with
// .code and, when an order is known, .orderId. close() releases that
// client's functions and nothing else.
//
// The grant is a JSON POST to grantURL through JS fetch; net/http and
// encoding/json would add megabytes to main.wasm.
package main

import (
	"context"
	"runtime"
	"syscall"
	"time"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/internal/wasm"
)

// bootEnv names the environment variable in which web/goiap.js hands over
// the global name of its boot object. The environment, not os.Args: the os
// package would link its file system code into main.wasm.
const bootEnv = "GOIAP_BOOT"

func main() {
	var boot wasm.Value = wasm.Go(wasm.Missing)
	if key, ok := syscall.Getenv(bootEnv); ok {
		boot = wasm.JS(safejs.Global()).Get(key)
	}
	ready := boot.Get("ready")
	if ready.Type() != wasm.TypeFunction {
		println("goiap: start me with web/goiap.js (no boot object in GOIAP_BOOT)")
		syscall.Exit(2)
	}
	wasm.SetPromiseResolvers(wasm.Unwrap(boot.Get("withResolvers"))) // saves a JS→Go call per promise
	newClient, _ := wasm.NewCallbacks().Add(func(args []safejs.Value) any { return newApp(wasm.Arg(args, 0)) })
	_, _ = wasm.Unwrap(ready).Invoke(newClient.Value)
	select {} // the program lives as long as the page
}

// app is one client as the page sees it.
type app struct {
	client   *bridge.Client
	exported *wasm.Callbacks // its functions, dropped once it is done
	promises *wasm.Callbacks // promises handed to JS, and awaits of fetch
	grants   *granter
	calls    *callTable
	panics   int // wasm.Panics() when it was made: stats counts this client's
	closing  chan struct{}
}

// newApp makes one client from the loader's options and answers its
// functions as a JS object, or an Error.
func newApp(o wasm.Value) any {
	timeout := time.Duration(o.Get("grantTimeoutMs").Num()) * time.Millisecond
	client, err := bridge.New(wasm.Unwrap(o.Get("sdk")), bridge.WithGrantTimeout(timeout))
	if err != nil {
		return wasm.ErrorValue(err)
	}
	promises := wasm.NewCallbacks()
	a := &app{
		client:   client,
		exported: wasm.NewCallbacks(),
		promises: promises,
		grants:   &granter{url: o.Get("grantURL").Str(), fetch: wasm.Unwrap(o.Get("fetch")), await: promises},
		calls:    newCallTable(),
		panics:   wasm.Panics(),
		closing:  make(chan struct{}),
	}
	return a.exports()
}

func (a *app) exports() any {
	obj := map[string]any{}
	for name, fn := range map[string]wasm.Handler{
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
		cb, _ := a.exported.Add(fn)
		obj[name] = cb.Value
	}
	return wasm.ValueOf(obj)
}

// async exports fn as a JS function (callId, ...args) → Promise. fn runs in
// a goroutine, so the page's event loop never waits on Go; callId lets the
// loader's AbortSignal cancel ctx.
func (a *app) async(fn func(ctx context.Context, args []safejs.Value) (any, error)) func(args []safejs.Value) any {
	return func(args []safejs.Value) any {
		callID := wasm.Arg(args, 0).Num()
		rest := args[min(1, len(args)):]
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
	sku, err := skuArg(wasm.Arg(args, 0))
	if err != nil {
		return nil, err
	}
	res, err := a.client.Purchase(ctx, sku, func(ctx context.Context, orderID string) (bool, error) {
		return a.grants.grant(ctx, orderID, sku, "")
	})
	if err != nil {
		return nil, err
	}
	return resultValue(res), nil
}

func (a *app) cancel(args []safejs.Value) any {
	a.calls.cancel(wasm.Arg(args, 0).Num())
	return nil
}

func (a *app) stats(_ []safejs.Value) any {
	s := a.client.Stats()
	return map[string]any{
		"inFlight":      s.InFlight,
		"liveCallbacks": s.LiveCallbacks + a.promises.Live(),
		"dropped":       s.Dropped + a.promises.Dropped(),
		"panics":        wasm.Panics() - a.panics,
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

// close is idempotent. It answers once the client is closed; grants that
// had started still run and answer the SDK, and the client's functions go
// once it owes JS no answer.
func (a *app) close(_ []safejs.Value) any {
	select {
	case <-a.closing:
		return nil
	default:
		close(a.closing)
	}
	p, err := a.promises.Promise(func() (any, error) {
		_ = a.client.Close() // the purchase in flight ends with CLOSED, not ABORTED
		a.calls.cancelAll()
		go func() {
			<-a.client.Done() // every grant it started has answered the SDK
			a.promises.Close()
			a.exported.Close() // from now on its functions answer undefined
		}()
		return nil, nil
	})
	if err != nil {
		return nil
	}
	return p
}

func resultValue(r bridge.Result) any {
	if r.Incomplete { // granted, but the app's success data was unusable
		return map[string]any{"orderId": r.OrderID, "incomplete": true}
	}
	return wire(r)
}
