package grant

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/goiap/goiap/internal/jsonbody"
)

// The codes of error answers, one per reason a caller might act on.
const (
	codeNoSuchPath       = "not_found"
	codeMethodNotAllowed = "method_not_allowed"
	codeNotJSON          = "unsupported_media_type"
	codeCrossSite        = "cross_site"
	codeNoSession        = "no_session"
	codeLoginRefused     = "login_refused"
	codeTossUnavailable  = "toss_unavailable"
	codeTossBadAnswer    = "toss_bad_answer"
	codeStoreUnavailable = "store_unavailable"
	codeOtherUser        = "other_user"
	codeOrderNotFound    = "order_not_found"
	codeMiniAppMismatch  = "miniapp_mismatch"
	codeOrderFailed      = "order_failed"
	codeOrderRefunded    = "order_refunded"
	codeOrderPending     = "order_pending"
	codeGrantNotFound    = "grant_not_found"
	codeBadQuery         = "bad_query"
)

// retryAfter is the wait suggested when nobody said how long.
const retryAfter = 5 * time.Second

// errorBody is every non-200 answer. TossStatus is the order's status when
// the answer comes from Toss's word.
type errorBody struct {
	Code       string `json:"code"`
	Error      string `json:"error"`
	TossStatus string `json:"tossStatus,omitempty"`
}

// writeJSON answers with v, the same way as every other handler.
var writeJSON = jsonbody.Write

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorBody{Code: code, Error: msg})
}

// writeUnavailable answers 503 with Retry-After in whole seconds.
func writeUnavailable(w http.ResponseWriter, wait time.Duration, code, msg string) {
	w.Header().Set("Retry-After", retryAfterSeconds(wait))
	writeError(w, http.StatusServiceUnavailable, code, msg)
}

// retryAfterSeconds rounds wait up to whole seconds, retryAfter if unknown.
func retryAfterSeconds(wait time.Duration) string {
	if wait <= 0 {
		wait = retryAfter
	}
	return strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10)
}

// isJSON accepts application/json with no parameter but a UTF-8 charset.
func isJSON(contentType string) bool {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "application/json" {
		return false
	}
	for k, v := range params {
		if k != "charset" || !strings.EqualFold(v, "utf-8") {
			return false
		}
	}
	return true
}
