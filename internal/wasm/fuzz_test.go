package wasm_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/goiap/goiap/internal/wasm"
)

// valueOf turns fuzz input into a value tree as JS would hand it over: JSON
// when it parses, else the bytes as one string.
func valueOf(data []byte) wasm.Value {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return wasm.Go(string(data))
	}
	return wasm.Go(v)
}

func FuzzObjectFields(f *testing.F) {
	f.Add([]byte(`{"orderId":"o-1","amount":1000,"fraction":0,"ok":true,"icon":null,"items":[1,"a",{}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v := valueOf(data)
		if got := wasm.Object(v, "d").Err() == nil; got != (v.Type() == wasm.TypeObject) {
			t.Fatalf("Object(%s) error: %v", v.Type(), wasm.Object(v, "d").Err())
		}
		for _, key := range append(v.Keys(), "absent") {
			checkField(t, v, key)
		}
	})
}

// checkField reads key every way a decoder can and checks each read
// succeeds exactly when the value has the right type.
func checkField(t *testing.T, obj wasm.Value, key string) {
	fv := obj.Get(key)
	typ := fv.Type()
	fresh := func() *wasm.Fields { return wasm.Object(obj, "d") }
	expect := func(what string, f *wasm.Fields, ok bool) {
		t.Helper()
		ok = ok && obj.Type() == wasm.TypeObject
		err := f.Err()
		if (err == nil) != ok {
			t.Fatalf("%s(%q) of %s: error %v, want ok=%v", what, key, typ, err, ok)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "decode d") {
			t.Fatalf("%s(%q): error %q does not name its path", what, key, err)
		}
	}

	f := fresh()
	if s := f.String(key); s != fv.Str() {
		t.Fatalf("String(%q) = %q, want %q", key, s, fv.Str())
	}
	expect("String", f, typ == wasm.TypeString)

	f = fresh()
	f.NonEmptyString(key)
	expect("NonEmptyString", f, typ == wasm.TypeString && fv.Str() != "")

	f = fresh()
	p := f.OptionalString(key)
	expect("OptionalString", f, typ == wasm.TypeString || typ == wasm.TypeNull || typ == wasm.TypeUndefined)
	if (p != nil) != (typ == wasm.TypeString) || (p != nil && *p != fv.Str()) {
		t.Fatalf("OptionalString(%q) = %v for %s", key, p, typ)
	}

	n := fv.Num()
	finite := typ == wasm.TypeNumber && !math.IsNaN(n) && !math.IsInf(n, 0)
	f = fresh()
	if got := f.Number(key); finite && got != n || !finite && got != 0 {
		t.Fatalf("Number(%q) = %g for %g", key, got, n)
	}
	expect("Number", f, finite)

	integer := finite && n == math.Trunc(n) && math.Abs(n) <= math.MaxInt32
	f = fresh()
	if got := f.Int(key); integer && got != int(n) || !integer && got != 0 {
		t.Fatalf("Int(%q) = %d for %g", key, got, n)
	}
	expect("Int", f, integer)

	f = fresh()
	if b := f.Bool(key); b != fv.Bool() {
		t.Fatalf("Bool(%q) = %v", key, b)
	}
	expect("Bool", f, typ == wasm.TypeBoolean)

	f = fresh()
	visited := 0
	f.Array(key, func(i int, el wasm.Value, path string) bool {
		if i != visited || path != "d."+key+"["+itoa(i)+"]" {
			t.Fatalf("Array(%q) visited %d at %q", key, i, path)
		}
		visited++
		return true
	})
	expect("Array", f, typ == wasm.TypeArray)
	if visited != fv.Len() {
		t.Fatalf("Array(%q) visited %d of %d", key, visited, fv.Len())
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func FuzzErrorFrom(f *testing.F) {
	f.Add([]byte(`{"name":"Error","message":"bye","code":"USER_CANCELED","userInfo":{"orderId":"o-1"},"__isError":true}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v := valueOf(data)
		e := wasm.ErrorFrom(v)
		if e == nil || e.Shape != v.Type() || e.Raw == nil {
			t.Fatalf("ErrorFrom(%s) = %+v", v.Type(), e)
		}
		if e.Error() == "" {
			t.Fatal("empty Error()")
		}
		for _, s := range []string{e.Name, e.Message, e.Code} {
			if len(s) > 4096 {
				t.Fatalf("a string of %d bytes was kept", len(s))
			}
			if utf8.Valid(data) && !utf8.ValidString(s) {
				t.Fatalf("clipping broke UTF-8: %q", s)
			}
		}
		if v.Type() == wasm.TypeString && !strings.HasPrefix(v.Str(), e.Message) {
			t.Fatalf("message %q is not a prefix of the string", e.Message)
		}
		if e.UserInfo != nil {
			if v.Get("userInfo").Type() != wasm.TypeObject {
				t.Fatal("userInfo copied from a non-object")
			}
			checkCopy(t, e.UserInfo, 1)
		}
	})
}

// checkCopy checks a copied userInfo holds only plain data within bounds.
func checkCopy(t *testing.T, v any, depth int) {
	switch x := v.(type) {
	case nil, bool, float64:
	case string:
		if len(x) > 4096 {
			t.Fatalf("string of %d bytes", len(x))
		}
	case map[string]any:
		if depth > 3 || len(x) > 32 {
			t.Fatalf("object of %d keys at depth %d", len(x), depth)
		}
		for k, el := range x {
			checkCopy(t, k, depth)
			checkCopy(t, el, depth+1)
		}
	case []any:
		if depth > 3 || len(x) > 32 {
			t.Fatalf("array of %d at depth %d", len(x), depth)
		}
		for _, el := range x {
			checkCopy(t, el, depth+1)
		}
	default:
		t.Fatalf("copied a %T", v)
	}
}
