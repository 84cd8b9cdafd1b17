package grant

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/goiap/goiap/tossapi"
)

// Page sizes of GET /api/grants.
const (
	defaultPage = 50
	maxPage     = 100
)

// grantView is a ledger row as the dev endpoints show it.
type grantView struct {
	OrderID   string          `json:"orderId"`
	SKU       string          `json:"sku"`
	UserKey   tossapi.UserKey `json:"userKey"`
	GrantedAt time.Time       `json:"grantedAt"`
	RevokedAt *time.Time      `json:"revokedAt"` // null until revoked
}

func view(r Record) grantView {
	v := grantView{OrderID: r.OrderID, SKU: r.SKU, UserKey: r.UserKey, GrantedAt: r.GrantedAt.UTC()}
	if !r.RevokedAt.IsZero() {
		at := r.RevokedAt.UTC()
		v.RevokedAt = &at
	}
	return v
}

// listGrants serves GET /api/grants?cursor=&limit= (dev mode): newest first,
// limit 1 to 100 (default 50); "next" is the cursor of the next page, absent
// on the last one.
func (s *Server) listGrants(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := defaultPage
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, codeBadQuery, "limit must be a positive integer")
			return
		}
		limit = min(n, maxPage)
	}
	page, next, err := s.cfg.Store.Records(r.Context(), q.Get("cursor"), limit)
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusBadRequest, codeBadQuery, "unknown cursor")
		return
	case err != nil:
		s.log().Error("grant: list grants", "err", err)
		writeUnavailable(w, 0, codeStoreUnavailable, "the ledger cannot be read now")
		return
	}
	views := make([]grantView, len(page))
	for i, rec := range page {
		views[i] = view(rec)
	}
	writeJSON(w, http.StatusOK, struct {
		Grants []grantView `json:"grants"`
		Next   string      `json:"next,omitempty"`
	}{views, next})
}

// getGrant serves GET /api/grants/{orderId} (dev mode).
func (s *Server) getGrant(w http.ResponseWriter, r *http.Request) {
	rec, err := s.cfg.Store.Record(r.Context(), r.PathValue("orderId"))
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, codeGrantNotFound, "no grant of that order")
	case err != nil:
		s.log().Error("grant: read grant", "err", err)
		writeUnavailable(w, 0, codeStoreUnavailable, "the ledger cannot be read now")
	default:
		writeJSON(w, http.StatusOK, view(rec))
	}
}
