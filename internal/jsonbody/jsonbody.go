// Package jsonbody reads a request body as exactly one JSON object, strictly:
// bounded in size, valid UTF-8, no trailing data, keys matched exactly, and
// string fields typed, non-empty, bounded and free of control characters.
// Whatever it refuses comes back as an *Error the handler sends as is;
// Write sends an answer the same way from every handler.
package jsonbody

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Error is a body the client must fix: Status is 400 or 413, Code a short
// machine-readable word, Message a sentence for people.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

func bad(code, msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: code, Message: msg}
}

// Object is a decoded body. A map rather than a struct: struct decoding
// matches keys case-insensitively and cannot tell a missing field from null.
// Keys not asked for are ignored.
type Object map[string]json.RawMessage

// Read reads r's body, at most maxBytes of it. Errors are *Error, or the
// I/O error when the body could not be read at all.
func Read(w http.ResponseWriter, r *http.Request, maxBytes int64) (Object, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &Error{http.StatusRequestEntityTooLarge, "body_too_large", "request body exceeds " + strconv.FormatInt(maxBytes, 10) + " bytes"}
		}
		return nil, err
	}
	return Parse(body)
}

// Parse decodes body as exactly one JSON object.
func Parse(body []byte) (Object, error) {
	// encoding/json would silently turn invalid UTF-8 into U+FFFD, so two
	// different byte strings could become one orderId; refuse instead.
	if !utf8.Valid(body) {
		return nil, bad("invalid_json", "request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, bad("invalid_json", "request body is not valid JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad("trailing_data", "unexpected data after the JSON object")
	}
	if raw[0] != '{' { // Decode skipped leading space; RawMessage starts at the value
		return nil, bad("not_object", "request body must be a JSON object")
	}
	var o Object
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, bad("invalid_json", "request body is not valid JSON")
	}
	return o, nil
}

// String returns the required field name as a non-empty string of at most
// maxBytes bytes without control characters.
func (o Object) String(name string, maxBytes int) (string, error) {
	v, ok := o[name]
	if !ok {
		return "", bad("missing_field", name+" is required")
	}
	var s string
	// Unmarshal accepts null into a string; insist on an actual string.
	if len(v) == 0 || v[0] != '"' || json.Unmarshal(v, &s) != nil {
		return "", bad("invalid_type", name+" must be a string")
	}
	if s == "" {
		return "", bad("empty_field", name+" must not be empty")
	}
	if len(s) > maxBytes {
		return "", bad("too_long", name+" exceeds "+strconv.Itoa(maxBytes)+" bytes")
	}
	for _, c := range s {
		if unicode.IsControl(c) {
			return "", bad("control_character", name+" contains a control character")
		}
	}
	return s, nil
}

// OptionalString is String for a field that may be absent: absent, null
// and "" all give nil.
func (o Object) OptionalString(name string, maxBytes int) (*string, error) {
	if v, ok := o[name]; !ok || string(v) == "null" || string(v) == `""` {
		return nil, nil
	}
	s, err := o.String(name, maxBytes)
	if err != nil {
		return nil, err
	}
	return &s, nil
}
