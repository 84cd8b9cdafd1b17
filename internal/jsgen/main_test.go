//go:build !js

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGeneratedFilesAreFresh fails when web/wire.gen.* no longer match the
// Go definitions: run go generate ./bridge.
func TestGeneratedFilesAreFresh(t *testing.T) {
	for name, want := range generate() {
		got, err := os.ReadFile(filepath.Join("..", "..", "web", name))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "web/%s is stale: run go generate ./bridge", name)
	}
}
