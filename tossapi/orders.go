package tossapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// kst is Korea Standard Time, the zone Toss's zoneless timestamps are read
// in (third parties do so; no official text says it).
var kst = time.FixedZone("KST", 9*60*60)

// GetOrderStatus asks Toss for an order's status. With a user (not NoUser)
// the x-toss-user-key header binds the question to that user: another user's
// order is answered NOT_FOUND. Send it whenever the user is known.
//
// A FAIL envelope is a *Error; transport failures, 5xx and the rate limit
// are retried and, if they persist, match ErrUnavailable. The caller checks
// that OrderID equals orderID and decides on Status.
func (c *Client) GetOrderStatus(ctx context.Context, orderID string, user UserKey) (OrderStatus, error) {
	if orderID == "" {
		return OrderStatus{}, errors.New("tossapi: get-order-status: empty order id")
	}
	cl := call{
		op: "get-order-status", method: "POST", path: PathOrderStatus,
		body: map[string]string{"orderId": orderID},
	}
	if user != NoUser {
		cl.header = map[string][]string{"X-Toss-User-Key": {user.String()}}
	}
	var out struct {
		OrderID            string `json:"orderId"`
		SKU                string `json:"sku"`
		Status             Status `json:"status"`
		StatusDeterminedAt string `json:"statusDeterminedAt"`
		Reason             string `json:"reason"`
	}
	if err := c.do(ctx, cl, &out); err != nil {
		return OrderStatus{}, err
	}
	at, err := parseTossTime(out.StatusDeterminedAt)
	if err != nil {
		return OrderStatus{}, &Error{HTTPStatus: 200, Code: codeBadAnswer, Reason: err.Error(), op: cl.op}
	}
	if out.Status == "" {
		return OrderStatus{}, &Error{HTTPStatus: 200, Code: codeBadAnswer, Reason: "no status", op: cl.op}
	}
	return OrderStatus{
		OrderID: out.OrderID, SKU: out.SKU, Status: out.Status,
		StatusDeterminedAt: at, Reason: out.Reason,
	}, nil
}

// parseTossTime reads "2025-09-12T16:57:12" as KST. A zone, when present, is
// honoured; fractions of a second and a space for the T are accepted. Empty
// is the zero time.
func parseTossTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, kst)
	if err != nil {
		return time.Time{}, fmt.Errorf("statusDeterminedAt %q: %w", s, err)
	}
	return t, nil
}

// exactInt reads a JSON integer exactly (never through float64); a string of
// digits is accepted too.
func exactInt(raw json.RawMessage) (int64, error) {
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, fmt.Errorf("not an integer: %s", snippet(raw))
		}
		n = json.Number(s)
	}
	return n.Int64()
}
