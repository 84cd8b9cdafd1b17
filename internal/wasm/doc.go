// Package wasm holds the Go↔JS primitives the purchase client is built on,
// with no knowledge of in-app purchases. It is the one place that uses
// syscall/js; its API speaks safejs values, so a JS exception is an error:
//
//   - [Callbacks]: Go handlers handed to JS as bound calls of the program's
//     one js.Func, which is never released, so a handler can be dropped at
//     once and a late call from JS is ignored instead of hitting a released
//     function;
//   - [Callbacks.Await]: waiting for a JS Promise with a context.Context;
//   - [Callbacks.Promise]: Go work handed to JS as a Promise, run in a
//     goroutine, with panics turned into rejections;
//   - [Value] and the decoders in decode.go: reading untrusted JS data into Go
//     values without panicking on wrong types, throwing getters or Proxies
//     (they also run natively, over Go values, so they can be fuzzed);
//   - [Error]: a JS error of any shape (Error, plain object, string,
//     undefined) as a Go error that keeps code, message and userInfo.
//
// Files without the js build tag compile everywhere; the rest need GOOS=js.
package wasm
