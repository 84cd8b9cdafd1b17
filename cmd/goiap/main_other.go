//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main explains itself on other platforms: this program is main.wasm.
func main() {
	fmt.Fprintln(os.Stderr, "goiap is the WebAssembly side of the purchase client: build it with GOOS=js GOARCH=wasm (make build)")
	os.Exit(2)
}
