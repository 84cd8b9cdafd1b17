//go:build js && wasm

package main

import (
	"reflect"
	"strings"
)

// jsData turns a bridge result into plain JS data by its json tags, the
// tags internal/jsgen writes web/wire.gen.d.ts from, so each shape is
// written once: a nil pointer is null, omitempty drops a zero field, and a
// js:"emptyIsNull" string answers "" as null.
func jsData(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return jsData(v.Elem())
	case reflect.Slice:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = jsData(v.Index(i))
		}
		return out
	case reflect.Struct:
		t := v.Type()
		m := make(map[string]any, t.NumField())
		for i := range t.NumField() {
			name, opt, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			f := v.Field(i)
			switch {
			case name == "" || name == "-" || (opt == "omitempty" && f.IsZero()):
			case f.IsZero() && t.Field(i).Tag.Get("js") == "emptyIsNull":
				m[name] = nil
			default:
				m[name] = jsData(f)
			}
		}
		return m
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int:
		return int(v.Int())
	case reflect.Float64:
		return v.Float()
	}
	return nil
}

// wire is jsData of any Go value.
func wire(v any) any { return jsData(reflect.ValueOf(v)) }

// wired is a bridge call's answer as the loader's Promise resolves with it.
func wired[T any](v T, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return wire(v), nil
}
