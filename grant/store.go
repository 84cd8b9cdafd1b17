package grant

import (
	"context"
	"errors"
	"time"

	"github.com/goiap/goiap/tossapi"
)

// ErrNotFound is returned by a Store for an order, session or page that does
// not exist.
var ErrNotFound = errors.New("grant: not found")

// Record is one row of the ledger: an order Toss said was paid, granted once.
type Record struct {
	OrderID string
	UserKey tossapi.UserKey
	SKU     string // as Toss reported it, never the page's
	Credit  int64  // added to the user's wallet with the row, taken back on revoke
	// GrantedAt is set by the caller; RevokedAt is zero until a refund is revoked.
	GrantedAt time.Time
	RevokedAt time.Time
	// CheckedAt is when the refund sweep last asked Toss (zero: never).
	CheckedAt time.Time
}

// Account is what /api/me shows of a user.
type Account struct {
	Balance int64 // sum of the credits of granted, unrevoked orders
	Grants  int   // granted, unrevoked orders
}

// Session binds a browser to a Toss user. The store keeps only a hash of the
// cookie's value: ID is that hash.
type Session struct {
	ID           string
	UserKey      tossapi.UserKey
	AccessToken  string
	RefreshToken string
	CreatedAt    time.Time
	ExpiresAt    time.Time
}

// Store is the ledger, the wallets and the sessions, shared by every
// instance of the server. Implementations must make Grant and Revoke atomic
// and exactly-once across processes; storetest.Run checks them.
// Every error other than ErrNotFound means "cannot answer now".
//
// Times round-trip to the microsecond (a zero time stays zero); user keys
// round-trip exactly over the whole int64 range.
type Store interface {
	// Grant inserts r and adds r.Credit to the user's balance in one
	// transaction. If the order is already recorded it changes nothing and
	// returns the stored record with existed true.
	Grant(ctx context.Context, r Record) (stored Record, existed bool, err error)
	// Record returns the order's row, or ErrNotFound.
	Record(ctx context.Context, orderID string) (Record, error)
	// Records lists rows in the order they were granted, newest first,
	// starting after the opaque cursor ("" for the first page); next is ""
	// on the last page. Rows granted after a cursor was issued never show
	// up behind it. limit is at least 1 (the caller bounds it); a cursor
	// this store did not issue is ErrNotFound.
	Records(ctx context.Context, cursor string, limit int) (page []Record, next string, err error)
	// Revoke stamps RevokedAt and takes the credit back in one transaction;
	// revoked is true for exactly one call per order. ErrNotFound for an
	// order never granted.
	Revoke(ctx context.Context, orderID string, at time.Time) (revoked bool, err error)
	// DueForCheck returns unrevoked rows granted after grantedAfter whose
	// CheckedAt is before checkedBefore, least recently checked first
	// (never checked before all others).
	DueForCheck(ctx context.Context, grantedAfter, checkedBefore time.Time, limit int) ([]Record, error)
	// MarkChecked sets CheckedAt; ErrNotFound for an order never granted.
	MarkChecked(ctx context.Context, orderID string, at time.Time) error
	// Account sums the user's granted, unrevoked orders.
	Account(ctx context.Context, user tossapi.UserKey) (Account, error)

	// CreateSession stores s; Session returns it while unexpired, or
	// ErrNotFound; DeleteSession removes it (no error if absent).
	CreateSession(ctx context.Context, s Session) error
	Session(ctx context.Context, id string, now time.Time) (Session, error)
	DeleteSession(ctx context.Context, id string) error

	// AcquireLease takes or renews the named lease for holder until now+ttl;
	// false if another holder has it unexpired (a lease expires at its
	// deadline: at now == deadline another holder may take it). The refund sweep runs on
	// the instance that holds "refund-sweep".
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (bool, error)

	Close() error
}
