//go:build js && wasm

package bridgetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/internal/wasm"
)

// The Promise methods of IAP, by the names the page calls them. In the SDK
// each posts a message to the app and returns a Promise that the app
// resolves or rejects whenever it likes; the SDK itself checks no version:
// an app below the method's minimum answers undefined, or never.
const (
	GetProductItemList           = "getProductItemList"
	GetPendingOrders             = "getPendingOrders"
	CompleteProductGrant         = "completeProductGrant"
	GetCompletedOrRefundedOrders = "getCompletedOrRefundedOrders"
	GetSubscriptionInfo          = "getSubscriptionInfo"
)

// method is one Promise method as the fake app serves it.
type method struct {
	name string
	gate wasm.Value // the app's minimum for it
	// serve is the fake app's own answer, from the store, at a supported
	// version; args are what the app received.
	serve func(s *SDK, args []safejs.Value) Answer
}

// The minimums from the SDK's doc comments (2.10.8). getSubscriptionInfo
// documents none; the fake takes the subscription one, as apps without
// subscriptions cannot know of subscription orders.
var methods = map[string]*method{
	GetProductItemList: {GetProductItemList, gate("5.219.0", "5.219.0"), func(s *SDK, _ []safejs.Value) Answer {
		return Resolve(s.productsAnswer())
	}},
	GetPendingOrders: {GetPendingOrders, gate("5.234.0", "5.231.0"), func(s *SDK, _ []safejs.Value) Answer {
		return Resolve(s.pendingAnswer())
	}},
	CompleteProductGrant: {CompleteProductGrant, gate("5.233.0", "5.233.0"), func(s *SDK, args []safejs.Value) Answer {
		// true once the order is completed; false for an order the app
		// does not know or that was refunded (the SDK types the answer
		// Promise<boolean>).
		return Resolve(s.complete(orderIDParam(args)))
	}},
	GetCompletedOrRefundedOrders: {GetCompletedOrRefundedOrders, gate("5.231.0", "5.231.0"), func(s *SDK, args []safejs.Value) Answer {
		key := wasm.Arg(args, 0).Get("key").Str()
		page, ok := s.ordersPage(key)
		if !ok {
			return Fail(bridge.ErrInternalError, "unknown page key "+key, "")
		}
		return Resolve(page)
	}},
	GetSubscriptionInfo: {GetSubscriptionInfo, gateSubscription, func(s *SDK, args []safejs.Value) Answer {
		id := orderIDParam(args)
		info, ok := s.subscriptionAnswer(id)
		if !ok {
			return Fail(bridge.ErrInvalidProductID, "no subscription order "+id, "")
		}
		return Resolve(info)
	}},
}

func gate(android, ios string) wasm.Value {
	return wasm.Go(map[string]any{"android": android, "ios": ios})
}

// orderIDParam reads args[0].params.orderId, as completeProductGrant and
// getSubscriptionInfo take it; "" when absent.
func orderIDParam(args []safejs.Value) string {
	return wasm.Arg(args, 0).Get("params").Get("orderId").Str()
}

func lookup(name, caller string) *method {
	m := methods[name]
	if m == nil {
		names := make([]string, 0, len(methods))
		for n := range methods {
			names = append(names, n)
		}
		sort.Strings(names)
		panic(fmt.Sprintf("bridgetest: %s: %q is not a Promise method of IAP (%s)", caller, name, strings.Join(names, ", ")))
	}
	return m
}

type answerKind uint8

const (
	answerDefault answerKind = iota
	answerResolve
	answerUndefined
	answerReject
	answerNever
)

// Answer is what the fake app does with one call of a Promise method: the
// zero Answer (also [Default]) lets the fake answer as it would by itself;
// [Resolve], [Undefined], [Reject], [Fail] and [Never] script the answer.
type Answer struct {
	kind  answerKind
	value any
}

// Default is the fake's own answer: undefined (or what SetBelowMinimum
// says) below the method's minimum version, else the answer from the store
// and the catalogue. It is the zero Answer.
func Default() Answer { return Answer{} }

// Resolve answers v: a safejs.Value as it is, anything js.ValueOf
// takes (map[string]any, []any, string, float64, bool, nil for
// null, …), or else v marshalled by encoding/json, so Go values with JSON
// tags work, like the bridge package's types. A v none of these can convert
// rejects the call with a TypeError.
func Resolve(v any) Answer { return Answer{kind: answerResolve, value: v} }

// Undefined answers undefined, as an app below the method's minimum does;
// the client reads it as ErrUnsupportedAppVersion.
func Undefined() Answer { return Answer{kind: answerUndefined} }

// Reject rejects the call with v (anything Resolve takes), after the SDK's
// deserializeError: a value with __isError becomes an Error carrying its
// keys; a plain object, a string or undefined passes as it is.
func Reject(v any) Answer { return Answer{kind: answerReject, value: v} }

// Fail rejects the call with the app's error of code, as the SDK rebuilds
// it: an Error with code, message (code when ""), userInfo (with orderId
// when orderID is not "") and __isError.
func Fail(code bridge.Code, message, orderID string) Answer {
	return Reject(appError(code, message, orderID))
}

// Never leaves the call unanswered: the page's Promise stays pending, as
// with an app below the minimum that drops the message, or one that hangs.
// Close rejects it, so that awaits of the code under test can let go.
func Never() Answer { return Answer{kind: answerNever} }

// Handler scripts a Promise method: it gets the call's arguments as the app
// receives them (a JSON copy: the SDK posts them with JSON.stringify) and
// says how to answer. It runs in its own goroutine, so it may block to
// answer later (the page's Promise stays pending meanwhile), and may keep
// state across calls; return [Default] to let the fake answer as usual. A
// Handler that panics rejects the call with the panic (wasm.Panics counts
// it).
type Handler func(args []safejs.Value) Answer

// Handle makes h answer every call of the Promise method name (one of
// GetProductItemList, GetPendingOrders, CompleteProductGrant,
// GetCompletedOrRefundedOrders and GetSubscriptionInfo), before any version
// gate; nil restores the fake's own answers. It panics on another name.
//
//	sdk.Handle(bridgetest.GetPendingOrders, func([]safejs.Value) bridgetest.Answer {
//		return bridgetest.Fail(bridge.ErrNetworkError, "offline", "")
//	})
func (s *SDK) Handle(name string, h Handler) {
	lookup(name, "Handle")
	s.mu.Lock()
	defer s.mu.Unlock()
	if h == nil {
		delete(s.handlers, name)
		return
	}
	s.handlers[name] = h
}

// Always is a Handler that gives every call the same answer:
//
//	sdk.Handle(bridgetest.GetProductItemList, bridgetest.Always(bridgetest.Never()))
func Always(a Answer) Handler { return func([]safejs.Value) Answer { return a } }

// SetBelowMinimum sets what a call of a Promise method answers below its
// minimum version (when no Handler says otherwise): [Undefined] at first,
// or [Never], or any other Answer; [Default] is Undefined.
func (s *SDK) SetBelowMinimum(a Answer) {
	if a.kind == answerDefault {
		a = Undefined()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.below = a
}

// Calls is how many times the page called the Promise method name (each
// call that reached the app: one whose arguments JSON.stringify refused
// never did). It panics on a name Handle would refuse.
func (s *SDK) Calls(name string) int {
	lookup(name, "Calls")
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[name]
}

// promiseMethod is the JS function for m: as the SDK's createAsyncBridge,
// it posts the call (a JSON copy of its arguments) and returns a Promise
// the app settles.
func (s *SDK) promiseMethod(m *method) wasm.Handler {
	return func(args []safejs.Value) any {
		posted, thrown, threw := postedArgs(args)
		if threw { // JSON.stringify threw inside the SDK's Promise executor
			return wasm.Rejected(rejection{thrown})
		}
		s.mu.Lock()
		s.calls[m.name]++
		h := s.handlers[m.name]
		s.mu.Unlock()
		p, err := s.cbs.Promise(func() (any, error) {
			var a Answer
			if h != nil {
				a = h(posted)
			}
			if a.kind == answerDefault {
				a = s.serve(m, posted)
			}
			return s.settle(a)
		})
		if err != nil { // the SDK is closed
			return safejs.Undefined()
		}
		return p
	}
}

func (s *SDK) serve(m *method, args []safejs.Value) Answer {
	if !s.supports(m.gate) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.below
	}
	return m.serve(s, args)
}

// rejection is a JS value a Promise of the fake rejects with.
type rejection struct{ v safejs.Value }

func (r rejection) Error() string         { return "rejected" }
func (r rejection) JSValue() safejs.Value { return r.v }

// ErrUnanswered is the message of the Error with which Close rejects the
// calls left unanswered ([Never], or below the minimum after
// SetBelowMinimum(Never())).
var ErrUnanswered = errors.New("bridgetest: the SDK was closed before the app answered")

// settle is what the page's Promise comes to.
func (s *SDK) settle(a Answer) (any, error) {
	switch a.kind {
	case answerUndefined:
		return safejs.Undefined(), nil
	case answerNever:
		<-s.ctx.Done()
		return nil, ErrUnanswered
	case answerReject:
		v, err := toJSValue(a.value)
		if err != nil {
			return nil, err
		}
		return nil, rejection{deserializeError(v)}
	}
	return toJSValue(a.value)
}

// postedArgs is args after the SDK's JSON.stringify and the app's parse.
func postedArgs(args []safejs.Value) (posted []safejs.Value, thrown safejs.Value, threw bool) {
	arr := make([]any, len(args))
	for i, a := range args {
		arr[i] = a
	}
	jsonNS := global("JSON")
	text, thrown, threw := call(get(jsonNS, "stringify"), wasm.ValueOf(arr))
	if threw {
		return nil, thrown, true
	}
	parsed, err := jsonNS.Call("parse", text)
	if err != nil {
		thrown, _ = wasm.Thrown(err)
		return nil, thrown, true
	}
	p := wasm.JS(parsed)
	posted = make([]safejs.Value, p.Len())
	for i := range posted {
		posted[i] = wasm.Unwrap(p.Index(i))
	}
	return posted, safejs.Undefined(), false
}

// toJSValue converts what Resolve and Reject take.
func toJSValue(v any) (safejs.Value, error) {
	switch x := v.(type) {
	case safejs.Value:
		return x, nil
	case bridge.Result:
		return resultValue(x), nil
	}
	if out, err := safejs.ValueOf(v); err == nil {
		return out, nil
	}
	text, merr := json.Marshal(v)
	if merr != nil {
		return safejs.Undefined(), fmt.Errorf("bridgetest: cannot answer a %T: %w", v, merr)
	}
	out, err := global("JSON").Call("parse", string(text))
	if err != nil {
		return safejs.Undefined(), fmt.Errorf("bridgetest: cannot answer a %T: %w", v, err)
	}
	return out, nil
}
