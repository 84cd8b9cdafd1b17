package wasm

import (
	"runtime"
	"sync/atomic"
)

// panicError is a panic caught at a JS boundary, where letting it go would
// end the whole Go program and make every later call from the page throw.
type panicError struct {
	value any    // what was passed to panic
	stack string // the goroutine's stack at the panic
}

func (e *panicError) Error() string {
	switch v := e.value.(type) {
	case error:
		return "panic: " + v.Error()
	case string:
		return "panic: " + v
	case interface{ String() string }:
		return "panic: " + v.String()
	}
	return "panic"
}

// Unwrap exposes a panic value that was itself an error.
func (e *panicError) Unwrap() error {
	err, _ := e.value.(error)
	return err
}

var panics atomic.Int64

// Panics is how many panics this package has caught since the program
// started: a test can assert it stayed 0.
func Panics() int { return int(panics.Load()) }

// Catch runs fn and returns a panic inside it as a *panicError.
func Catch(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			panics.Add(1)
			err = &panicError{value: r, stack: stack()}
		}
	}()
	fn()
	return nil
}

// stack is runtime/debug.Stack without runtime/debug, which links fmt and
// os into main.wasm.
func stack() string {
	buf := make([]byte, 4096)
	for {
		n := runtime.Stack(buf, false)
		if n < len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}

// Guard runs fn, as user code in its own goroutine should run: a panic in
// it is recovered, counted in Panics and printed to the console (println:
// in js/wasm a file write awaits a JS callback), instead of ending the
// program.
func Guard(fn func()) {
	if err := Catch(fn); err != nil {
		println("goiap: recovered " + err.Error() + "\n" + err.(*panicError).stack)
	}
}
