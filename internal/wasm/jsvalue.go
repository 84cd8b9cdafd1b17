//go:build js && wasm

package wasm

import (
	"syscall/js"

	"github.com/hack-pad/safejs"
)

// Every read of untrusted data goes through a JS function call: syscall/js
// turns an exception thrown by a call into a Go panic that safejs returns as
// an error, while a plain property read (valueGet, valueIndex, valueLength)
// lets a throwing getter or Proxy trap unwind through the Go program itself.
var (
	jsArray   = safejs.Safe(js.Global().Get("Array"))
	jsObject  = safejs.Safe(js.Global().Get("Object"))
	jsReflect = safejs.Safe(js.Global().Get("Reflect"))
)

// JS adapts a safejs.Value to [Value]. Its type is read from the value's
// reference, without a call into JS; only telling an array from another
// object costs one (Array.isArray), and only when Type, Index or Len ask.
func JS(v safejs.Value) Value {
	return jsValue{v: v, t: typeOf(v)}
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
	switch v.Type() {
	case safejs.TypeUndefined:
		return TypeUndefined
	case safejs.TypeNull:
		return TypeNull
	case safejs.TypeBoolean:
		return TypeBoolean
	case safejs.TypeNumber:
		return TypeNumber
	case safejs.TypeString:
		return TypeString
	case safejs.TypeFunction:
		return TypeFunction
	case safejs.TypeObject:
		return typeObjectOrArray
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
		// isArray throws on a revoked Proxy: that reads as "other".
		is, err := jsArray.Call("isArray", j.v)
		if err != nil {
			return TypeOther
		}
		if b, _ := is.Bool(); b {
			return TypeArray
		}
		return TypeObject
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

// get is Reflect.get: a throwing getter or Proxy trap reads as undefined.
func (j jsValue) get(key any) safejs.Value {
	v, err := jsReflect.Call("get", j.v, key)
	if err != nil {
		return safejs.Undefined()
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
