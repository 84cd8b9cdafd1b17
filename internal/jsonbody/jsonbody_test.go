package jsonbody

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// read parses body and asks for orderId and sku (256 bytes each) and an
// optional subscriptionId, as the grant endpoint does.
func read(body string, limit int64) (orderID, sku string, sub *string, err error) {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	o, err := Read(httptest.NewRecorder(), r, limit)
	if err != nil {
		return
	}
	if orderID, err = o.String("orderId", 256); err != nil {
		return
	}
	if sku, err = o.String("sku", 256); err != nil {
		return
	}
	sub, err = o.OptionalString("subscriptionId", 256)
	return
}

func TestAccepts(t *testing.T) {
	long := strings.Repeat("x", 256)
	id, sku, sub, err := read("  {\"orderId\":\""+long+"\",\"sku\":\"코인\",\"extra\":{\"ignored\":[1,2]}}\n\t ", 1<<10)
	require.NoError(t, err)
	assert.Equal(t, long, id)
	assert.Equal(t, "코인", sku)
	assert.Nil(t, sub)
	for _, v := range []string{`null`, `""`} {
		_, _, sub, err = read(`{"orderId":"a","sku":"b","subscriptionId":`+v+`}`, 1<<10)
		require.NoError(t, err)
		assert.Nil(t, sub)
	}
	_, _, sub, err = read(`{"orderId":"a","sku":"b","subscriptionId":"s-1"}`, 1<<10)
	require.NoError(t, err)
	assert.Equal(t, "s-1", *sub)
}

func TestRefuses(t *testing.T) {
	long := strings.Repeat("a", 257)
	hangul := strings.Repeat("한", 86) // 258 bytes, 86 runes: the limit is bytes
	cases := []struct{ name, body, code string }{
		{"empty body", "", "invalid_json"},
		{"whitespace body", " \n", "invalid_json"},
		{"truncated JSON", `{"orderId":"a","sku":`, "invalid_json"},
		{"not JSON", `orderId=a&sku=b`, "invalid_json"},
		{"single quotes", `{'orderId':'a','sku':'b'}`, "invalid_json"},
		{"invalid UTF-8", "{\"orderId\":\"a\xff\",\"sku\":\"b\"}", "invalid_json"},
		{"array", `[{"orderId":"a","sku":"b"}]`, "not_object"},
		{"string", `"a"`, "not_object"},
		{"number", `42`, "not_object"},
		{"null", `null`, "not_object"},
		{"missing orderId", `{"sku":"b"}`, "missing_field"},
		{"empty object", `{}`, "missing_field"},
		{"key case differs", `{"OrderId":"a","sku":"b"}`, "missing_field"},
		{"empty orderId", `{"orderId":"","sku":"b"}`, "empty_field"},
		{"numeric orderId", `{"orderId":123,"sku":"b"}`, "invalid_type"},
		{"null orderId", `{"orderId":null,"sku":"b"}`, "invalid_type"},
		{"bool sku", `{"orderId":"a","sku":true}`, "invalid_type"},
		{"object sku", `{"orderId":"a","sku":{}}`, "invalid_type"},
		{"array orderId", `{"orderId":["a"],"sku":"b"}`, "invalid_type"},
		{"numeric subscriptionId", `{"orderId":"a","sku":"b","subscriptionId":7}`, "invalid_type"},
		{"long orderId", `{"orderId":"` + long + `","sku":"b"}`, "too_long"},
		{"long multibyte orderId", `{"orderId":"` + hangul + `","sku":"b"}`, "too_long"},
		{"long subscriptionId", `{"orderId":"a","sku":"b","subscriptionId":"` + long + `"}`, "too_long"},
		{"newline in orderId", `{"orderId":"a\nb","sku":"b"}`, "control_character"},
		{"NUL in orderId", `{"orderId":"a\u0000","sku":"b"}`, "control_character"},
		{"tab in sku", `{"orderId":"a","sku":"b\t"}`, "control_character"},
		{"DEL in sku", `{"orderId":"a","sku":"b\u007f"}`, "control_character"},
		{"C1 NEL in orderId", `{"orderId":"a\u0085","sku":"b"}`, "control_character"},
		{"trailing garbage", `{"orderId":"a","sku":"b"} x`, "trailing_data"},
		{"second object", `{"orderId":"a","sku":"b"}{"orderId":"c","sku":"d"}`, "trailing_data"},
		{"stray bracket", `{"orderId":"a","sku":"b"}]`, "trailing_data"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := read(tc.body, 1<<10)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, http.StatusBadRequest, e.Status)
			assert.Equal(t, tc.code, e.Code)
			assert.NotEmpty(t, e.Message)
		})
	}
}

func TestLimit(t *testing.T) {
	body := `{"orderId":"a","sku":"b","pad":"` + strings.Repeat("p", 100) + `"}`
	_, _, _, err := read(body, int64(len(body)))
	require.NoError(t, err)
	_, _, _, err = read(body, int64(len(body)-1))
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, http.StatusRequestEntityTooLarge, e.Status)
	assert.Equal(t, "body_too_large", e.Code)
}
