package wasm

import (
	"math"
	"strconv"
)

// DecodeError says which part of untrusted JS data had the wrong shape.
type DecodeError struct {
	Path string // where, like "data.amount"
	Want string // what was expected, like "finite number"
	Got  Type   // what was there
}

func (e *DecodeError) Error() string {
	return "decode " + e.Path + ": want " + e.Want + ", got " + e.Got.String()
}

// Fields reads the fields of one JS object and keeps the first error, so a
// struct decodes in straight-line code and is checked once with Err.
type Fields struct {
	obj  Value
	path string
	err  error
}

// resolver is a Value whose type costs a call to learn (a JS object that
// may be an array): resolve learns it once.
type resolver interface{ resolve() Value }

func resolved(v Value) Value {
	if r, ok := v.(resolver); ok {
		return r.resolve()
	}
	return v
}

// Object starts decoding v, which must be a plain object (not an array,
// null or a function). path names v in error messages.
func Object(v Value, path string) *Fields {
	v = resolved(v)
	f := &Fields{obj: v, path: path}
	if v.Type() != TypeObject {
		f.err = &DecodeError{Path: path, Want: "object", Got: v.Type()}
	}
	return f
}

// Err is the first error met, or nil.
func (f *Fields) Err() error { return f.err }

// Get reads a field as a Value; undefined once an error has been met.
func (f *Fields) Get(key string) Value {
	if f.err != nil {
		return Go(Missing)
	}
	return f.obj.Get(key)
}

func (f *Fields) fail(key, want string, got Type) {
	if f.err == nil {
		f.err = &DecodeError{Path: f.path + "." + key, Want: want, Got: got}
	}
}

// String reads a required string field.
func (f *Fields) String(key string) string {
	v := f.Get(key)
	if f.err == nil && v.Type() != TypeString {
		f.fail(key, "string", v.Type())
	}
	return v.Str()
}

// NonEmptyString reads a required string field that must not be empty.
func (f *Fields) NonEmptyString(key string) string {
	s := f.String(key)
	if f.err == nil && s == "" {
		f.err = &DecodeError{Path: f.path + "." + key, Want: "non-empty string", Got: TypeString}
	}
	return s
}

// OptionalString reads a string field that may be null or absent (nil then).
func (f *Fields) OptionalString(key string) *string {
	v := f.Get(key)
	switch v.Type() {
	case TypeString:
		s := v.Str()
		return &s
	case TypeNull, TypeUndefined:
		return nil
	}
	f.fail(key, "string or null", v.Type())
	return nil
}

// Number reads a required finite number field.
func (f *Fields) Number(key string) float64 {
	v := f.Get(key)
	n := v.Num()
	if f.err == nil && (v.Type() != TypeNumber || math.IsNaN(n) || math.IsInf(n, 0)) {
		f.fail(key, "finite number", v.Type())
		return 0
	}
	return n
}

// Int reads a required integer field that fits in an int32-sized range.
func (f *Fields) Int(key string) int {
	n := f.Number(key)
	if f.err == nil && (n != math.Trunc(n) || math.Abs(n) > math.MaxInt32) {
		f.err = &DecodeError{Path: f.path + "." + key, Want: "an integer (not " + strconv.FormatFloat(n, 'g', -1, 64) + ")", Got: TypeNumber}
		return 0
	}
	return int(n)
}

// Bool reads a required boolean field.
func (f *Fields) Bool(key string) bool {
	v := f.Get(key)
	if f.err == nil && v.Type() != TypeBoolean {
		f.fail(key, "boolean", v.Type())
	}
	return v.Bool()
}

// Array reads a required array field and calls each for every element, with
// the element's path; each returns false to stop early.
func (f *Fields) Array(key string, each func(i int, v Value, path string) bool) {
	v := resolved(f.Get(key))
	if f.err != nil {
		return
	}
	if v.Type() != TypeArray {
		f.fail(key, "array", v.Type())
		return
	}
	n := v.Len()
	for i := range n {
		if !each(i, v.Index(i), f.path+"."+key+"["+strconv.Itoa(i)+"]") {
			return
		}
	}
}

// Fail records err as the decoding error unless one is recorded already;
// nested decoders report through it.
func (f *Fields) Fail(err error) {
	if f.err == nil && err != nil {
		f.err = err
	}
}
