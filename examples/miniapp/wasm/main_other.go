//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main explains itself on other platforms: this program is a main.wasm.
func main() {
	fmt.Fprintln(os.Stderr, "build the example's Go side with GOOS=js GOARCH=wasm (make example)")
	os.Exit(2)
}
