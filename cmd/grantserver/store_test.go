//go:build !js && !wasip1

package main

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStoreFlags(t *testing.T) {
	base := []string{"-mtls-cert", "c.pem", "-mtls-key", "k.pem"}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	c, err := parseConfig(base, env(nil), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, storeConfig{}, c.Store, "SQLite by default")
	assert.Contains(t, c.String(), "db=sqlite")

	c, err = parseConfig(base, env(map[string]string{
		"DATABASE_URL": "postgres://goiap:s3cret@db:5432/goiap?password=other", "DB_MAX_CONNS": "9",
		"DB_STATEMENT_TIMEOUT": "3s", "DB_CONNECT_TIMEOUT": "2s",
	}), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, storeConfig{DB: "postgres://goiap:s3cret@db:5432/goiap?password=other", MaxConns: 9,
		StatementTimeout: 3 * time.Second, ConnectTimeout: 2 * time.Second}, c.Store)
	assert.NotContains(t, c.String(), "s3cret")
	assert.NotContains(t, c.String(), "other")

	c, err = parseConfig(append(base, "-db", "postgresql://h/db", "-db-max-conns", "4"), env(map[string]string{"DATABASE_URL": "postgres://x/y"}), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "postgresql://h/db", c.Store.DB, "the flag wins over the environment")
	assert.Equal(t, 4, c.Store.MaxConns)

	for _, bad := range [][]string{
		{"-db", "mysql://h/db"},
		{"-db", "host=h dbname=db"},
		{"-db", "postgres://h/db", "-db-max-conns", "-1"},
		{"-db-statement-timeout", "-1s"},
	} {
		_, err := parseConfig(append(base, bad...), env(nil), io.Discard)
		assert.ErrorIs(t, err, errUsage, "%v", bad)
	}
	_, err = parseConfig(base, env(map[string]string{"DB_MAX_CONNS": "many"}), io.Discard)
	assert.ErrorIs(t, err, errUsage)
	_, err = parseConfig(base, env(map[string]string{"DB_CONNECT_TIMEOUT": "soon"}), io.Discard)
	assert.ErrorIs(t, err, errUsage)
}
