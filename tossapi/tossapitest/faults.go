package tossapitest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/goiap/goiap/tossapi"
)

// Fault makes the fake misbehave on partner API calls. Latency comes first;
// then the first of Drop, OverLimit, OAuthError, Code and HTTPStatus that is
// set decides the answer; with none, the call is answered normally after the
// latency.
type Fault struct {
	// Path limits the fault to one partner API path (tossapi.PathOrderStatus,
	// ...); empty matches every partner API call (never the control API).
	Path string `json:"path,omitempty"`
	// Times is how many matching calls the fault answers; 0 means every one
	// until ClearFaults.
	Times int `json:"times,omitempty"`
	// Latency delays the answer (ended early if the client goes away).
	Latency time.Duration `json:"-"`
	// Drop closes the connection without answering.
	Drop bool `json:"drop,omitempty"`
	// OverLimit answers the rate limit: FAIL envelope with errorCode 4095
	// and error.data.retryAfterSeconds; on HTTP 429 (unless HTTPStatus says
	// otherwise) with a Retry-After header too.
	OverLimit         bool `json:"overLimit,omitempty"`
	RetryAfterSeconds int  `json:"retryAfterSeconds,omitempty"`
	// OAuthError answers {"error": OAuthError} on HTTP 400 (or HTTPStatus).
	OAuthError string `json:"oauthError,omitempty"`
	// Code answers a FAIL envelope with this errorCode and Reason, on HTTP
	// 200 (or HTTPStatus).
	Code   string `json:"code,omitempty"`
	Reason string `json:"reason,omitempty"`
	// HTTPStatus alone answers that status with a FAIL envelope
	// (INTERNAL_ERROR); e.g. 503.
	HTTPStatus int `json:"httpStatus,omitempty"`
}

// faultJSON is Fault on the wire, with the latency in milliseconds.
type faultJSON struct {
	faultFields
	LatencyMillis int64 `json:"latencyMillis,omitempty"`
}

type faultFields Fault // without the methods, to embed

// MarshalJSON writes the control API's form: Latency as latencyMillis.
func (f Fault) MarshalJSON() ([]byte, error) {
	return json.Marshal(faultJSON{faultFields(f), f.Latency.Milliseconds()})
}

// UnmarshalJSON reads the control API's form.
func (f *Fault) UnmarshalJSON(b []byte) error {
	var w faultJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*f = Fault(w.faultFields)
	f.Latency = time.Duration(w.LatencyMillis) * time.Millisecond
	return nil
}

type activeFault struct {
	Fault
	left int // < 0: until cleared
}

// Inject adds a fault. Faults are tried in the order they were added; each
// call is answered by the first that matches its path.
func (s *Server) Inject(f Fault) {
	left := f.Times
	if left <= 0 {
		left = -1
	}
	s.mu.Lock()
	s.faults = append(s.faults, &activeFault{Fault: f, left: left})
	s.mu.Unlock()
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// takeFault counts a call to path and picks its fault, if any. s.mu is held.
func (s *Server) takeFault(path string) (Fault, bool) {
	s.calls[path]++
	for i, f := range s.faults {
		if f.Path != "" && f.Path != path {
			continue
		}
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return f.Fault, true
	}
	return Fault{}, false
}

// applyFault answers for the fault; false means "answer normally".
func applyFault(w http.ResponseWriter, r *http.Request, f Fault) bool {
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	status := func(def int) int {
		if f.HTTPStatus != 0 {
			return f.HTTPStatus
		}
		return def
	}
	switch {
	case f.Drop:
		drop(w)
	case f.OverLimit:
		st := status(http.StatusTooManyRequests)
		if st == http.StatusTooManyRequests && f.RetryAfterSeconds > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfterSeconds))
		}
		writeJSON(w, st, map[string]any{"resultType": "FAIL", "error": map[string]any{
			"errorCode": tossapi.CodeOverLimit, "reason": "too many requests",
			"data": map[string]any{"retryAfterSeconds": f.RetryAfterSeconds},
		}})
	case f.OAuthError != "":
		writeJSON(w, status(http.StatusBadRequest), map[string]string{"error": f.OAuthError, "error_description": f.Reason})
	case f.Code != "":
		writeFail(w, status(http.StatusOK), f.Code, f.Reason)
	case f.HTTPStatus != 0:
		writeFail(w, f.HTTPStatus, "INTERNAL_ERROR", "injected")
	default:
		return false
	}
	return true
}

// drop closes the connection without an answer: hijacked and closed on
// HTTP/1, the stream reset on HTTP/2.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
