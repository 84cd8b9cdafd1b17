//go:build js && wasm

package wasm

import "github.com/hack-pad/safejs"

// funcOf is safejs.FuncOf for the program's one router: a panic inside fn
// is recovered, reported to stderr (the console), and the call returns
// undefined.
func funcOf(fn func(this safejs.Value, args []safejs.Value) any) (safejs.Func, error) {
	return safejs.FuncOf(func(this safejs.Value, args []safejs.Value) (result any) {
		if err := Catch(func() { result = fn(this, args) }); err != nil {
			reportPanic(err)
			return safejs.Undefined()
		}
		return result
	})
}

// Guard runs fn, as user code in its own goroutine should run: a panic in
// it is recovered, counted in Panics and printed to the console, instead of
// ending the program.
func Guard(fn func()) {
	if err := Catch(fn); err != nil {
		reportPanic(err)
	}
}

func reportPanic(err error) {
	msg := "goiap: recovered " + err.Error()
	if p, ok := err.(*PanicError); ok {
		msg += "\n" + p.Stack
	}
	// println, not os.Stderr: in js/wasm a file write awaits a JS callback,
	// which would deadlock here, inside one.
	println(msg)
}
