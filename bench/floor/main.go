//go:build js && wasm

// Command floor is the size baseline for bench/run.sh: what any Go wasm
// module that exports one safejs callback and really uses context, errors,
// strconv, sync and time costs. main.wasm is compared against it, built
// with the same flags in the same run.
package main

import (
	"context"
	"errors"
	"os"
	"strconv"
	"sync"
	"syscall/js"
	"time"

	"github.com/hack-pad/safejs"
)

var errNoArg = errors.New("floor: want one string argument")

// counter is shared state behind a mutex, as a real client's call table is.
type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) next() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return c.n
}

// double parses s and doubles it under a deadline.
func double(ctx context.Context, s string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return "", errors.Join(errNoArg, err)
	}
	return strconv.Itoa(2 * v), nil
}

func main() {
	var c counter
	done := make(chan struct{})
	fn, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if len(args) == 0 {
			return errNoArg.Error()
		}
		s, err := args[0].String()
		if err != nil {
			return err.Error()
		}
		out, err := double(ctx, s)
		if err != nil {
			return err.Error()
		}
		if c.next() >= 1<<30 {
			close(done)
		}
		return out + "@" + time.Now().UTC().Format(time.RFC3339)
	})
	if err != nil {
		os.Exit(1)
	}
	js.Global().Set("goFloor", safejs.Unsafe(fn.Value()))
	<-done
}
