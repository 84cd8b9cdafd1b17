//go:build js && wasm

package wasm

import (
	"errors"
	"sync"
	"syscall/js"

	"github.com/hack-pad/safejs"
)

// Every read of untrusted data goes through a JS function call: syscall/js
// turns an exception thrown by a call into a Go panic, recovered here, while
// a plain property read (valueGet, valueIndex, valueLength) lets a throwing
// getter or Proxy trap unwind through the Go program itself.
var (
	jsIsArray    = js.Global().Get("Array").Get("isArray")
	jsObject     = safejs.Safe(js.Global().Get("Object"))
	jsReflectGet = js.Global().Get("Reflect").Get("get")
)

// JS adapts a safejs.Value to [Value]. Its type is read from the value's
// reference, without a call into JS; only telling an array from another
// object costs one (Array.isArray), and only when Type, Index or Len ask.
func JS(v safejs.Value) Value {
	return jsValue{v: v, t: typeOf(v)}
}

// Arg is a JS function's argument i, undefined when JS passed fewer.
func Arg(args []safejs.Value, i int) Value {
	if i < len(args) {
		return JS(args[i])
	}
	return Go(Missing)
}

type jsValue struct {
	v safejs.Value
	t Type // typeObjectOrArray until asked
}

// typeObjectOrArray is an object not yet told apart from an array.
const typeObjectOrArray Type = 255

func typeOf(v safejs.Value) (t Type) {
	// syscall/js panics ("bad type flag") on a BigInt: it is TypeOther,
	// and reading untrusted data must not panic.
	defer func() {
		if recover() != nil {
			t = TypeOther
		}
	}()
	// Indexed by safejs.Type: undefined, null, boolean, number, string,
	// symbol, object, function.
	byType := [...]Type{TypeUndefined, TypeNull, TypeBoolean, TypeNumber, TypeString, TypeOther, typeObjectOrArray, TypeFunction}
	if jt := int(v.Type()); jt >= 0 && jt < len(byType) {
		return byType[jt]
	}
	return TypeOther
}

// Unwrap gives back the safejs.Value behind a Value made by [JS], and
// undefined for any other Value.
func Unwrap(v Value) safejs.Value {
	if j, ok := v.(jsValue); ok {
		return j.v
	}
	return safejs.Undefined()
}

// resolve tells an object from an array once, so that a decoder walking an
// array does not ask again for every element.
func (j jsValue) resolve() Value {
	j.t = j.Type()
	return j
}

func (j jsValue) Type() Type {
	if j.t == typeObjectOrArray {
		return isArray(j.v)
	}
	return j.t
}

func (j jsValue) Get(key string) Value {
	switch j.t {
	case typeObjectOrArray, TypeObject, TypeArray, TypeFunction:
	default:
		return JS(safejs.Undefined())
	}
	return JS(j.get(key))
}

// isArray tells an array from another object; isArray throws on a revoked
// Proxy, which reads as "other".
func isArray(v safejs.Value) (t Type) {
	defer func() {
		if recover() != nil {
			t = TypeOther
		}
	}()
	if jsIsArray.Invoke(safejs.Unsafe(v)).Bool() {
		return TypeArray
	}
	return TypeObject
}

// get is Reflect.get: a throwing getter or Proxy trap reads as undefined.
// It calls the function itself, without safejs's wrapping of arguments:
// this is the hot path of every decoder.
func (j jsValue) get(key any) (v safejs.Value) {
	defer func() {
		if recover() != nil {
			v = safejs.Undefined()
		}
	}()
	if k, ok := key.(string); ok {
		key = jsKey(k)
	}
	return safejs.Safe(jsReflectGet.Invoke(safejs.Unsafe(j.v), key))
}

// keys holds the JS strings of the property names decoders read, made once:
// a Go string argument costs a call into JS to make its JS string.
var keys = struct {
	sync.Mutex
	m map[string]js.Value
}{m: map[string]js.Value{}}

func jsKey(k string) any {
	keys.Lock()
	defer keys.Unlock()
	v, ok := keys.m[k]
	if !ok {
		if len(keys.m) >= 256 || len(k) > 64 { // names from hostile data: not kept
			return k
		}
		v = js.ValueOf(k)
		keys.m[k] = v
	}
	return v
}

func (j jsValue) Index(i int) Value {
	if i < 0 || j.Type() != TypeArray {
		return JS(safejs.Undefined())
	}
	return JS(j.get(i))
}

func (j jsValue) Len() int {
	if j.Type() != TypeArray {
		return 0
	}
	// length of a Proxy may be anything: only a safe integer counts.
	n := JS(j.get("length")).Num()
	if n < 0 || n > 1<<31 || n != float64(int(n)) {
		return 0
	}
	return int(n)
}

func (j jsValue) Str() string {
	if j.t != TypeString {
		return ""
	}
	s, _ := j.v.String()
	return s
}

func (j jsValue) Num() float64 {
	if j.t != TypeNumber {
		return 0
	}
	f, _ := j.v.Float()
	return f
}

func (j jsValue) Bool() bool {
	if j.t != TypeBoolean {
		return false
	}
	b, _ := j.v.Bool()
	return b
}

func (j jsValue) Keys() []string {
	if j.Type() != TypeObject {
		return nil
	}
	keys, err := jsObject.Call("keys", j.v)
	if err != nil {
		return nil
	}
	k := JS(keys)
	out := make([]string, 0, k.Len())
	for i := range k.Len() {
		out = append(out, k.Index(i).Str())
	}
	return out
}

// ValueOf is js.ValueOf for Go data that may hold safejs values (and
// Callback values) at any depth: maps, slices, strings, numbers, booleans,
// nil.
func ValueOf(v any) safejs.Value { return safejs.Safe(js.ValueOf(unsafeData(v))) }

func unsafeData(v any) any {
	switch x := v.(type) {
	case safejs.Value:
		return safejs.Unsafe(x)
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = unsafeData(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = unsafeData(e)
		}
		return s
	}
	return v
}

// Thrown is the JS value a safejs call threw, carried by the error it
// returned; false when err carries none (it was not a JS exception).
func Thrown(err error) (safejs.Value, bool) {
	var je js.Error
	if errors.As(err, &je) {
		return safejs.Safe(je.Value), true
	}
	return safejs.Undefined(), false
}
