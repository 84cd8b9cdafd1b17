//go:build js && wasm

package bridge_test

// Benchmarks of decoding the SDK's answers, run by bench/run.sh (make bench).

import (
	"syscall/js"
	"testing"

	"github.com/hack-pad/safejs"

	"github.com/goiap/goiap/bridge"
	"github.com/goiap/goiap/internal/wasm"
)

func benchResultData() map[string]any {
	return map[string]any{
		"orderId": "ord-bench-1", "displayName": "코인 100개", "displayAmount": "1,100원",
		"amount": 1100, "currency": "KRW", "fraction": 0, "miniAppIconUrl": "https://static.toss.im/icons/app.png",
	}
}

// benchWarm runs op before timing starts, so V8 has tiered the wasm up.
func benchWarm(op func()) {
	for range 3000 {
		op()
	}
}

// BenchmarkDecodeResult decodes a success event's data: a JS object, read
// field by field through wasm.JS (each field a crossing).
func BenchmarkDecodeResult(b *testing.B) {
	b.Run("js-object", func(b *testing.B) {
		obj := js.ValueOf(benchResultData())
		op := func() {
			if _, err := bridge.DecodeResult(wasm.JS(safejs.Safe(obj))); err != nil {
				b.Fatal(err)
			}
		}
		benchWarm(op)
		b.ReportAllocs()
		for b.Loop() {
			op()
		}
	})
	b.Run("go-map", func(b *testing.B) { // the same decoder with no JS: what the crossings cost
		data := benchResultData()
		op := func() {
			if _, err := bridge.DecodeResult(wasm.Go(data)); err != nil {
				b.Fatal(err)
			}
		}
		benchWarm(op)
		b.ReportAllocs()
		for b.Loop() {
			op()
		}
	})
}
