//go:build js && wasm

// Command hello is the start-up baseline for bench/run.sh: about the
// smallest Go program that reaches JS. It calls globalThis.__goiapBenchHello
// once, then exits.
package main

import "syscall/js"

func main() {
	js.Global().Get("__goiapBenchHello").Invoke()
}
