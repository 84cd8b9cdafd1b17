package wasm

// Type is the JS type of a [Value], as typeof would say it, with null and
// arrays told apart because decoders care about both.
type Type uint8

// The JS types a decoder can meet.
const (
	TypeUndefined Type = iota
	TypeNull
	TypeBoolean
	TypeNumber
	TypeString
	TypeObject
	TypeArray
	TypeFunction
	TypeOther // symbol, bigint
)

var typeNames = [...]string{"undefined", "null", "boolean", "number", "string", "object", "array", "function", "other"}

func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "unknown"
}

// Value is the read-only view of a JS value that decoders need. Every method
// is total: reading a key of a non-object gives undefined, a string of a
// non-string gives "", so decoding untrusted data cannot panic. In js/wasm a
// Value wraps a safejs.Value (see JS); natively [Go] wraps plain Go data, which
// is how decoders are unit-tested and fuzzed without a JS engine.
type Value interface {
	Type() Type
	// Get reads an own or inherited property; undefined when v is not an object.
	Get(key string) Value
	// Index reads element i; undefined when out of range or not an array.
	Index(i int) Value
	// Len is the length of an array, 0 otherwise.
	Len() int
	// Str is the string value, "" when v is not a string.
	Str() string
	// Num is the number value, 0 when v is not a number.
	Num() float64
	// Bool is the boolean value, false when v is not a boolean.
	Bool() bool
	// Keys lists an object's own enumerable keys, nil otherwise.
	Keys() []string
}

// Go adapts plain Go data to [Value]: nil is null, and maps, slices, strings,
// float64/int and bool stand for their JS counterparts. A [Missing] stands for
// undefined, and a Value, at the top or inside maps and slices, for itself.
// Anything else is TypeOther.
func Go(v any) Value {
	if x, ok := v.(Value); ok {
		return x
	}
	return goValue{v}
}

// Missing is undefined for [Go] data (a nil interface is null, as in JSON).
var Missing = missing{}

type missing struct{}

type goValue struct{ v any }

func (g goValue) Type() Type {
	switch x := g.v.(type) {
	case nil:
		return TypeNull
	case missing:
		return TypeUndefined
	case bool:
		return TypeBoolean
	case float64, int:
		return TypeNumber
	case string:
		return TypeString
	case map[string]any:
		return TypeObject
	case []any:
		return TypeArray
	case Value:
		return x.Type()
	default:
		return TypeOther
	}
}

func (g goValue) Get(key string) Value {
	if m, ok := g.v.(map[string]any); ok {
		if x, ok := m[key]; ok {
			return Go(x)
		}
	}
	return goValue{Missing}
}

func (g goValue) Index(i int) Value {
	if s, ok := g.v.([]any); ok && i >= 0 && i < len(s) {
		return Go(s[i])
	}
	return goValue{Missing}
}

func (g goValue) Len() int {
	if s, ok := g.v.([]any); ok {
		return len(s)
	}
	return 0
}

func (g goValue) Str() string {
	s, _ := g.v.(string)
	return s
}

func (g goValue) Num() float64 {
	switch x := g.v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	}
	return 0
}

func (g goValue) Bool() bool {
	b, _ := g.v.(bool)
	return b
}

func (g goValue) Keys() []string {
	m, ok := g.v.(map[string]any)
	if !ok {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}
