//go:build !js && !wasip1

package main

import (
	"io"
	"log/slog"
)

// newLogger writes slog lines to w, as JSON for a log pipeline or as text
// for a terminal.
func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
