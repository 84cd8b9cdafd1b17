package pgstore

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Config's fields win over the URL's settings, which win over the defaults.
func TestPoolConfigPrecedence(t *testing.T) {
	const url = "postgres://u:pw@127.0.0.1:5432/db?pool_max_conns=7&connect_timeout=3&statement_timeout=1500"
	for _, tc := range []struct {
		name     string
		cfg      Config
		conns    int32
		connect  time.Duration
		stmt     time.Duration
		idleInTx string
	}{
		{"url", Config{URL: url}, 7, 3 * time.Second, 1500 * time.Millisecond, "10000"},
		{"config", Config{URL: url, MaxConns: 2, ConnectTimeout: time.Second, StatementTimeout: 250 * time.Millisecond}, 2, time.Second, 250 * time.Millisecond, "10000"},
		{"defaults", Config{URL: "postgres://u@127.0.0.1/db"}, 0, DefaultConnectTimeout, DefaultStatementTimeout, "10000"},
		{"url idle", Config{URL: "postgres://u@127.0.0.1/db?idle_in_transaction_session_timeout=2000"}, 0, DefaultConnectTimeout, DefaultStatementTimeout, "2000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pcfg, err := poolConfig(tc.cfg)
			require.NoError(t, err)
			if tc.conns != 0 {
				assert.Equal(t, tc.conns, pcfg.MaxConns)
			}
			assert.Equal(t, tc.connect, pcfg.ConnConfig.ConnectTimeout)
			stmt, err := statementTimeout(pcfg)
			require.NoError(t, err)
			assert.Equal(t, tc.stmt, stmt)
			assert.Equal(t, tc.idleInTx, pcfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"])
		})
	}
	_, err := poolConfig(Config{URL: url, MaxConns: -1})
	assert.Error(t, err)

	for v, want := range map[string]time.Duration{"2500": 2500 * time.Millisecond, "5s": 5 * time.Second,
		"2min": 2 * time.Minute, "300ms": 300 * time.Millisecond, "0": DefaultStatementTimeout} {
		pcfg, err := poolConfig(Config{URL: "postgres://u@127.0.0.1/db?statement_timeout=" + v})
		require.NoError(t, err)
		got, err := statementTimeout(pcfg)
		require.NoError(t, err, v)
		assert.Equal(t, want, got, v)
	}
	for _, bad := range []string{"abc", "5x", "-1", "s"} {
		pcfg, err := poolConfig(Config{URL: "postgres://u@127.0.0.1/db?statement_timeout=" + bad})
		require.NoError(t, err)
		_, err = statementTimeout(pcfg)
		assert.Error(t, err, bad)
	}
}
