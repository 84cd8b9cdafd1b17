package wasm

import "unicode/utf8"

// Error is a JS error value of any shape as a Go error: an Error instance,
// a plain object with the same keys, a bare string, or nothing at all.
type Error struct {
	Name     string         // "Error", "TypeError", …; "" when the value had none
	Message  string         // message, or the string itself
	Code     string         // the code property when it was a string
	UserInfo map[string]any // a copy of userInfo; nil when absent
	Shape    Type           // what was thrown: object, string, undefined, …
	Raw      Value          // the value itself, for callers that need more
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = "JS error (" + e.Shape.String() + ")"
	}
	if e.Code != "" {
		return e.Code + ": " + msg
	}
	return msg
}

// Limits on what is copied out of an untrusted error, so a hostile or broken
// host cannot make Go hold megabytes per error.
const (
	maxErrorString = 4 << 10
	maxUserInfo    = 32
	maxDepth       = 3
)

// ErrorFrom reads any JS value as an error. It never fails: the worst a
// value can do is leave fields empty.
func ErrorFrom(v Value) *Error {
	e := &Error{Shape: v.Type(), Raw: v}
	switch v.Type() {
	case TypeString:
		e.Message = clip(v.Str())
	case TypeObject, TypeFunction:
		e.Name = clip(v.Get("name").Str())
		e.Message = clip(v.Get("message").Str())
		e.Code = clip(v.Get("code").Str())
		if ui := v.Get("userInfo"); ui.Type() == TypeObject {
			e.UserInfo, _ = copyValue(ui, 0).(map[string]any)
		}
	case TypeNumber, TypeBoolean:
		e.Message = "non-error value thrown"
	}
	return e
}

// copyValue copies JS data into Go maps, slices and scalars, bounded in
// depth, keys and string length.
func copyValue(v Value, depth int) any {
	switch v.Type() {
	case TypeString:
		return clip(v.Str())
	case TypeNumber:
		return v.Num()
	case TypeBoolean:
		return v.Bool()
	case TypeNull:
		return nil
	case TypeObject:
		if depth >= maxDepth {
			return nil
		}
		keys := v.Keys()
		if len(keys) > maxUserInfo {
			keys = keys[:maxUserInfo]
		}
		m := make(map[string]any, len(keys))
		for _, k := range keys {
			m[clip(k)] = copyValue(v.Get(k), depth+1)
		}
		return m
	case TypeArray:
		if depth >= maxDepth {
			return nil
		}
		n := min(v.Len(), maxUserInfo)
		s := make([]any, n)
		for i := range n {
			s[i] = copyValue(v.Index(i), depth+1)
		}
		return s
	}
	return nil
}

// clip bounds a string to maxErrorString bytes on a rune boundary.
func clip(s string) string {
	if len(s) <= maxErrorString {
		return s
	}
	cut := maxErrorString
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
