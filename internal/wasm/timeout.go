//go:build js && wasm

package wasm

import "time"

// DropStaleTimeout makes the Go runtime take back the JS timeout it set for
// a timer that was stopped early. The js/wasm runtime sets one setTimeout
// for its earliest timer and does not clear it when that timer stops: a
// 25 s grant deadline that a 10 ms grant stopped would keep Node alive for
// 25 s after the work is done. A timer due in 1 ms replaces that timeout
// with one of 1 ms, and nothing is left after it fires.
func DropStaleTimeout() { time.AfterFunc(time.Millisecond, func() {}) }
