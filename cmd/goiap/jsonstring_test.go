package main

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSONStringRoundTrips(t *testing.T) {
	for _, s := range []string{"", "order-1", `q"uo\te`, "line\nbreak\ttab\r", "\x00\x1f\x7f", "한국어 주문", "emoji 🎉", "\u2028\u2029", "bad \xff utf8"} {
		var back string
		require.NoError(t, json.Unmarshal([]byte(jsonString(s)), &back), "%q", s)
		if utf8.ValidString(s) {
			assert.Equal(t, s, back)
		} else {
			assert.Equal(t, "bad \uFFFD utf8", back)
		}
	}
}

func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\x00", "\xff\xfe", "🎉"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var back string
		if err := json.Unmarshal([]byte(jsonString(s)), &back); err != nil {
			t.Fatalf("jsonString(%q) is not JSON: %v", s, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Fatalf("round trip of %q gave %q", s, back)
		}
	})
}
