//go:build !js && !wasip1

package main

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGrantSuccess(t *testing.T) {
	ts, s := newTestAPI(t)

	status, m := postGrant(t, ts.URL, `{"orderId":"order-1","sku":"gem_100","subscriptionId":"sub-9","extra":{"ignored":[1,2]}}`)
	require.Equal(t, http.StatusOK, status, m)
	assert.Equal(t, map[string]any{"granted": true, "orderId": "order-1", "duplicate": false}, m)
	assert.Equal(t, 1, countRows(t, s.store, "order-1"))

	// Content-Type is not enforced, and 256-byte fields are still fine.
	long := strings.Repeat("x", maxFieldBytes)
	status, _, m = do(t, http.MethodPost, ts.URL+"/api/grant", "text/plain", `  {"orderId":"`+long+`","sku":"`+long+`"}`+"\n\t ")
	require.Equal(t, http.StatusOK, status, m)
	assert.Equal(t, false, m["duplicate"])

	// null and "" subscriptionId mean none.
	for i, sub := range []string{`null`, `""`} {
		id := []string{"order-null-sub", "order-empty-sub"}[i]
		status, m = postGrant(t, ts.URL, `{"orderId":"`+id+`","sku":"s","subscriptionId":`+sub+`}`)
		require.Equal(t, http.StatusOK, status, m)
		g, err := s.store.Get(t.Context(), id)
		require.NoError(t, err)
		assert.Nil(t, g.SubscriptionID)
	}
}

func TestGrantIdempotentRepeat(t *testing.T) {
	ts, s := newTestAPI(t)
	body := `{"orderId":"order-rep","sku":"gem_100"}`

	status, first := postGrant(t, ts.URL, body)
	require.Equal(t, http.StatusOK, status, first)
	status, second := postGrant(t, ts.URL, body)
	require.Equal(t, http.StatusOK, status, second)

	assert.Equal(t, true, first["granted"])
	assert.Equal(t, false, first["duplicate"])
	assert.Equal(t, true, second["granted"])
	assert.Equal(t, true, second["duplicate"])
	assert.Equal(t, "order-rep", second["orderId"])
	assert.Equal(t, 1, countRows(t, s.store, ""))
}

func TestGrantDifferentSKUConflict(t *testing.T) {
	ts, s := newTestAPI(t)
	status, m := postGrant(t, ts.URL, `{"orderId":"order-c","sku":"gem_100"}`)
	require.Equal(t, http.StatusOK, status, m)
	before, err := s.store.Get(t.Context(), "order-c")
	require.NoError(t, err)

	status, m = postGrant(t, ts.URL, `{"orderId":"order-c","sku":"gem_999","subscriptionId":"x"}`)
	require.Equal(t, http.StatusConflict, status, m)
	assert.NotEmpty(t, m["error"])
	assert.Equal(t, "sku_conflict", m["code"])

	after, err := s.store.Get(t.Context(), "order-c")
	require.NoError(t, err)
	assert.Equal(t, before, after)
	assert.Equal(t, 1, countRows(t, s.store, ""))
}

func TestGrantRejectsBadInput(t *testing.T) {
	long := strings.Repeat("a", maxFieldBytes+1)
	hangul := strings.Repeat("한", 86) // 258 bytes, 86 runes: the limit is bytes
	cases := []struct {
		name   string
		method string
		body   string
		status int
		code   string
	}{
		{"GET", http.MethodGet, "", 405, "method_not_allowed"},
		{"PUT", http.MethodPut, `{"orderId":"a","sku":"b"}`, 405, "method_not_allowed"},
		{"DELETE", http.MethodDelete, "", 405, "method_not_allowed"},
		{"empty body", "", "", 400, "invalid_json"},
		{"whitespace body", "", " \n", 400, "invalid_json"},
		{"truncated JSON", "", `{"orderId":"a","sku":`, 400, "invalid_json"},
		{"not JSON", "", `orderId=a&sku=b`, 400, "invalid_json"},
		{"single quotes", "", `{'orderId':'a','sku':'b'}`, 400, "invalid_json"},
		{"invalid UTF-8", "", "{\"orderId\":\"a\xff\",\"sku\":\"b\"}", 400, "invalid_json"},
		{"array", "", `[{"orderId":"a","sku":"b"}]`, 400, "not_object"},
		{"string", "", `"a"`, 400, "not_object"},
		{"number", "", `42`, 400, "not_object"},
		{"null", "", `null`, 400, "not_object"},
		{"true", "", `true`, 400, "not_object"},
		{"missing orderId", "", `{"sku":"b"}`, 400, "missing_field"},
		{"missing sku", "", `{"orderId":"a"}`, 400, "missing_field"},
		{"empty object", "", `{}`, 400, "missing_field"},
		{"key case differs", "", `{"OrderId":"a","sku":"b"}`, 400, "missing_field"},
		{"empty orderId", "", `{"orderId":"","sku":"b"}`, 400, "empty_field"},
		{"empty sku", "", `{"orderId":"a","sku":""}`, 400, "empty_field"},
		{"numeric orderId", "", `{"orderId":123,"sku":"b"}`, 400, "invalid_type"},
		{"null orderId", "", `{"orderId":null,"sku":"b"}`, 400, "invalid_type"},
		{"bool sku", "", `{"orderId":"a","sku":true}`, 400, "invalid_type"},
		{"object sku", "", `{"orderId":"a","sku":{}}`, 400, "invalid_type"},
		{"array orderId", "", `{"orderId":["a"],"sku":"b"}`, 400, "invalid_type"},
		{"numeric subscriptionId", "", `{"orderId":"a","sku":"b","subscriptionId":7}`, 400, "invalid_type"},
		{"long orderId", "", `{"orderId":"` + long + `","sku":"b"}`, 400, "too_long"},
		{"long sku", "", `{"orderId":"a","sku":"` + long + `"}`, 400, "too_long"},
		{"long multibyte orderId", "", `{"orderId":"` + hangul + `","sku":"b"}`, 400, "too_long"},
		{"long subscriptionId", "", `{"orderId":"a","sku":"b","subscriptionId":"` + long + `"}`, 400, "too_long"},
		{"newline in orderId", "", `{"orderId":"a\nb","sku":"b"}`, 400, "control_character"},
		{"NUL in orderId", "", `{"orderId":"a\u0000","sku":"b"}`, 400, "control_character"},
		{"tab in sku", "", `{"orderId":"a","sku":"b\t"}`, 400, "control_character"},
		{"DEL in sku", "", `{"orderId":"a","sku":"b\u007f"}`, 400, "control_character"},
		{"C1 NEL in orderId", "", `{"orderId":"a\u0085","sku":"b"}`, 400, "control_character"},
		{"ESC in subscriptionId", "", `{"orderId":"a","sku":"b","subscriptionId":"\u001b"}`, 400, "control_character"},
		{"trailing garbage", "", `{"orderId":"a","sku":"b"} x`, 400, "trailing_data"},
		{"second object", "", `{"orderId":"a","sku":"b"}{"orderId":"c","sku":"d"}`, 400, "trailing_data"},
		{"stray bracket", "", `{"orderId":"a","sku":"b"}]`, 400, "trailing_data"},
	}
	ts, s := newTestAPI(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			status, h, m := do(t, method, ts.URL+"/api/grant", "application/json", tc.body)
			assert.Equal(t, tc.status, status, m)
			assert.Equal(t, tc.code, m["code"], m)
			assert.NotEmpty(t, m["error"])
			if status == http.StatusMethodNotAllowed {
				assert.Equal(t, "POST", h.Get("Allow"))
			}
			assert.Equal(t, 0, countRows(t, s.store, ""), "nothing may be recorded")
		})
	}
}

func TestGrantBodyLimit(t *testing.T) {
	ts, s := newTestAPI(t)
	// body builds a valid grant of exactly size bytes by padding an ignored field.
	body := func(orderID string, size int) string {
		head := `{"orderId":"` + orderID + `","sku":"s","pad":"`
		tail := `"}`
		b := head + strings.Repeat("p", size-len(head)-len(tail)) + tail
		require.Len(t, b, size)
		return b
	}

	status, m := postGrant(t, ts.URL, body("at-limit", maxGrantBody))
	require.Equal(t, http.StatusOK, status, m)
	assert.Equal(t, true, m["granted"])

	status, m = postGrant(t, ts.URL, body("over-limit", maxGrantBody+1))
	require.Equal(t, http.StatusRequestEntityTooLarge, status, m)
	assert.Equal(t, "body_too_large", m["code"])
	assert.NotEmpty(t, m["error"])

	assert.Equal(t, 1, countRows(t, s.store, ""))
	assert.Equal(t, 0, countRows(t, s.store, "over-limit"))
}

func TestGetGrant(t *testing.T) {
	ts, _ := newTestAPI(t)
	// A '/' and '#' in an orderId must survive the path round trip.
	odd := "ord/er #1?"
	for _, b := range []string{
		`{"orderId":"with-sub","sku":"sub_monthly","subscriptionId":"sub-1"}`,
		`{"orderId":"no-sub","sku":"gem_100"}`,
		`{"orderId":"` + odd + `","sku":"gem_1"}`,
	} {
		status, m := postGrant(t, ts.URL, b)
		require.Equal(t, http.StatusOK, status, m)
	}

	status, _, m := do(t, http.MethodGet, ts.URL+"/api/grants/with-sub", "", "")
	require.Equal(t, http.StatusOK, status, m)
	assert.Equal(t, "with-sub", m["orderId"])
	assert.Equal(t, "sub_monthly", m["sku"])
	assert.Equal(t, "sub-1", m["subscriptionId"])
	assert.NotEmpty(t, m["grantedAt"])

	status, _, m = do(t, http.MethodGet, ts.URL+"/api/grants/no-sub", "", "")
	require.Equal(t, http.StatusOK, status, m)
	assert.NotContains(t, m, "subscriptionId")
	assert.Equal(t, "gem_100", m["sku"])

	status, _, m = do(t, http.MethodGet, ts.URL+"/api/grants/"+url.PathEscape(odd), "", "")
	require.Equal(t, http.StatusOK, status, m)
	assert.Equal(t, odd, m["orderId"])

	status, _, m = do(t, http.MethodGet, ts.URL+"/api/grants/nope", "", "")
	require.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, "not found", m["error"])

	status, h, m := do(t, http.MethodPost, ts.URL+"/api/grants/no-sub", "", "")
	require.Equal(t, http.StatusMethodNotAllowed, status, m)
	assert.Equal(t, "GET", h.Get("Allow"))

	status, _, m = do(t, http.MethodGet, ts.URL+"/api/grants", "", "")
	require.Equal(t, http.StatusOK, status, m)
	list, ok := m["grants"].([]any)
	require.True(t, ok, m)
	require.Len(t, list, 3)
	assert.Equal(t, odd, list[0].(map[string]any)["orderId"], "newest first")
	assert.Equal(t, "with-sub", list[2].(map[string]any)["orderId"])
}

func TestListGrantsEmpty(t *testing.T) {
	ts, _ := newTestAPI(t)
	status, _, m := do(t, http.MethodGet, ts.URL+"/api/grants", "", "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, map[string]any{"grants": []any{}}, m)
}

func TestGrantConcurrentSameOrder(t *testing.T) {
	ts, s := newTestAPI(t)
	const n = 50
	type result struct {
		status int
		body   map[string]any
		err    error
	}
	results := make([]result, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			status, m, err := rawPost(testClient, ts.URL+"/api/grant", `{"orderId":"order-race","sku":"gem_100"}`)
			results[i] = result{status, m, err}
		}()
	}
	close(start)
	wg.Wait()

	firsts := 0
	for i, r := range results {
		require.NoError(t, r.err, "request %d", i)
		require.Equal(t, http.StatusOK, r.status, "request %d: %v", i, r.body)
		assert.Equal(t, true, r.body["granted"], "request %d", i)
		if r.body["duplicate"] == false {
			firsts++
		}
	}
	assert.Equal(t, 1, firsts, "exactly one answer is the first grant")
	assert.Equal(t, 1, countRows(t, s.store, ""))
}
