package pgstore_test

import (
	"testing"

	"github.com/goiap/goiap/grant"
	"github.com/goiap/goiap/grant/pgstore/pgtest"
	"github.com/goiap/goiap/grant/storetest"
)

// The suite every store passes, each subtest in a fresh database.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) grant.Store {
		s, err := pgstoreOpen(t, pgtest.NewDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
