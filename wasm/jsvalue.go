//go:build js && wasm

package wasm

import (
	"syscall/js"

	"github.com/hack-pad/safejs"
)

var (
	jsArray  = js.Global().Get("Array")
	jsObject = js.Global().Get("Object")
)

// JS adapts a safejs.Value to [Value]. Its type is read once, here: only an
// object costs a call into JS (Array.isArray), the rest is read from the
// value's reference.
func JS(v safejs.Value) Value {
	return jsValue{v: v, t: typeOf(v)}
}

type jsValue struct {
	v safejs.Value
	t Type
}

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
		if jsArray.Call("isArray", safejs.Unsafe(v)).Bool() {
			return TypeArray
		}
		return TypeObject
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

func (j jsValue) Type() Type { return j.t }

func (j jsValue) Get(key string) Value {
	if j.t != TypeObject && j.t != TypeArray && j.t != TypeFunction {
		return JS(safejs.Undefined())
	}
	v, err := j.v.Get(key) // a throwing getter or Proxy trap reads as undefined
	if err != nil {
		return JS(safejs.Undefined())
	}
	return JS(v)
}

func (j jsValue) Index(i int) Value {
	if j.t != TypeArray || i < 0 {
		return JS(safejs.Undefined())
	}
	v, err := j.v.Index(i)
	if err != nil {
		return JS(safejs.Undefined())
	}
	return JS(v)
}

func (j jsValue) Len() int {
	if j.t != TypeArray {
		return 0
	}
	n, err := j.v.Length()
	if err != nil || n < 0 {
		return 0
	}
	return n
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
	if j.t != TypeObject {
		return nil
	}
	keys, err := safejs.Safe(jsObject).Call("keys", j.v)
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
