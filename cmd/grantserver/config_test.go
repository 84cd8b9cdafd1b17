//go:build !js && !wasip1

package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goiap/goiap/tossapi"
)

func envOf(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

var certFlags = []string{"-mtls-cert", "c.pem", "-mtls-key", "k.pem"}

// serverConfig is the part of config these tests check: the settings of
// the server and of Toss (the database's have their own tests).
type serverConfig struct {
	Addr, Data, Web                    string
	Dev, FailGrants                    bool
	TossAPI, MTLSCert, MTLSKey, TossCA string
	RefundSweep                        time.Duration
}

func serverPart(c config) serverConfig {
	return serverConfig{
		Addr: c.Addr, Data: c.Data, Web: c.Web, Dev: c.Dev, FailGrants: c.FailGrants,
		TossAPI: c.TossAPI, MTLSCert: c.MTLSCert, MTLSKey: c.MTLSKey, TossCA: c.TossCA, RefundSweep: c.RefundSweep,
	}
}

func TestConfigDefaultsAndFlags(t *testing.T) {
	c, err := parseConfig(certFlags, envOf(nil), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, serverConfig{
		Addr: "127.0.0.1:8080", Data: "./data", Web: "web", TossAPI: tossapi.DefaultBaseURL,
		MTLSCert: "c.pem", MTLSKey: "k.pem", RefundSweep: 5 * time.Minute,
	}, serverPart(c))
	assert.Equal(t, []string{"text"}, []string{c.LogFormat})

	c, err = parseConfig(append([]string{"-addr", "127.0.0.1:0", "-data", "d", "-web", "w", "-dev", "-fail-grants",
		"-toss-api", "https://127.0.0.1:9/", "-toss-ca", "ca.pem", "-refund-sweep", "0",
		"-log-format", "json", "-log-user-key", "lk", "-ops-addr", "127.0.0.1:9090"}, certFlags...), envOf(nil), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, serverConfig{
		Addr: "127.0.0.1:0", Data: "d", Web: "w", Dev: true, FailGrants: true, TossAPI: "https://127.0.0.1:9/",
		MTLSCert: "c.pem", MTLSKey: "k.pem", TossCA: "ca.pem",
	}, serverPart(c))
	assert.Equal(t, []string{"json", "lk", "127.0.0.1:9090"}, []string{c.LogFormat, c.LogUserKey, c.OpsAddr})
}

func TestConfigFromEnvironmentFlagsWin(t *testing.T) {
	env := envOf(map[string]string{
		"ADDR": "127.0.0.1:1", "DATA": "envdata", "WEB": "envweb", "DEV": "true",
		"TOSS_API": "https://sim.test/", "MTLS_CERT": "env-c.pem", "MTLS_KEY": "env-k.pem",
		"TOSS_CA": "env-ca.pem", "REFUND_SWEEP": "30s",
		"LOG_FORMAT": "json", "LOG_USER_KEY": "env-lk", "OPS_ADDR": "127.0.0.1:9091",
	})
	c, err := parseConfig(nil, env, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, serverConfig{
		Addr: "127.0.0.1:1", Data: "envdata", Web: "envweb", Dev: true, TossAPI: "https://sim.test/",
		MTLSCert: "env-c.pem", MTLSKey: "env-k.pem", TossCA: "env-ca.pem", RefundSweep: 30 * time.Second,
	}, serverPart(c))
	assert.Equal(t, []string{"json", "env-lk", "127.0.0.1:9091"}, []string{c.LogFormat, c.LogUserKey, c.OpsAddr})

	c, err = parseConfig([]string{"-refund-sweep", "1m", "-mtls-key", "flag-k.pem", "-dev=false"}, env, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, time.Minute, c.RefundSweep)
	assert.Equal(t, "flag-k.pem", c.MTLSKey)
	assert.False(t, c.Dev)
}

func TestConfigRefusals(t *testing.T) {
	for name, c := range map[string]struct {
		args []string
		env  map[string]string
		want string
	}{
		"no certificate":   {nil, nil, "-mtls-cert and -mtls-key are required"},
		"no key":           {[]string{"-mtls-cert", "c.pem"}, nil, "required"},
		"plain http":       {append([]string{"-toss-api", "http://apps-in-toss-api.toss.im"}, certFlags...), nil, "https://"},
		"no host":          {append([]string{"-toss-api", "https://"}, certFlags...), nil, "https://"},
		"negative sweep":   {append([]string{"-refund-sweep", "-1s"}, certFlags...), nil, "negative"},
		"bad sweep env":    {certFlags, map[string]string{"REFUND_SWEEP": "often"}, "REFUND_SWEEP"},
		"bad dev env":      {certFlags, map[string]string{"DEV": "maybe"}, "DEV"},
		"fail without dev": {append([]string{"-fail-grants"}, certFlags...), nil, "needs -dev"},
		"extra argument":   {append(certFlags, "serve"), nil, "unexpected arguments"},
		"bad log format":   {append([]string{"-log-format", "xml"}, certFlags...), nil, "want text or json"},
		"unknown flag":     {[]string{"-port", "80"}, nil, "usage"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parseConfig(c.args, envOf(c.env), io.Discard)
			require.ErrorIs(t, err, errUsage)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestConfigStringMasksSecrets(t *testing.T) {
	c := config{Addr: "a", Data: "d", Web: "w", TossAPI: "https://user:pw@toss.test/", MTLSCert: "/etc/toss/cert.pem", MTLSKey: "/etc/toss/key.pem",
		LogUserKey: "hash-secret", LogFormat: "json"}
	s := c.String()
	assert.NotContains(t, s, "hash-secret")
	assert.Contains(t, s, "log-user-key=(set, masked)")
	assert.Contains(t, s, "log-format=json")
	assert.NotContains(t, s, "pw")
	assert.NotContains(t, s, "key.pem")
	assert.Contains(t, s, "mtls-key=(set, masked)")
	assert.Contains(t, s, "mtls-cert=/etc/toss/cert.pem")
	assert.Contains(t, s, "toss-ca=(none)")
	assert.Contains(t, s, "refund-sweep=off")
}

func TestDataMustNotBeInsideWeb(t *testing.T) {
	root := t.TempDir()
	web := filepath.Join(root, "web")
	require.NoError(t, os.MkdirAll(filepath.Join(web, "sub"), 0o755))
	require.NoError(t, os.Symlink(filepath.Join(web, "sub"), filepath.Join(root, "link-into-web")))

	for _, data := range []string{web, filepath.Join(web, "data"), filepath.Join(web, "sub"), filepath.Join(root, "link-into-web"), filepath.Join(web, "sub", "..", "x")} {
		err := checkDataOutsideWeb(data, web)
		assert.ErrorIs(t, err, errDataInWeb, data)
	}
	for _, data := range []string{filepath.Join(root, "data"), filepath.Join(root, "web-data"), root + "/webx"} {
		assert.NoError(t, checkDataOutsideWeb(data, web), data)
	}
	assert.Error(t, checkDataOutsideWeb(filepath.Join(root, "d2"), filepath.Join(root, "missing-web")))
	assert.True(t, strings.HasPrefix(filepath.Join(root, "webx"), web), "the prefix trap is tested")
}
