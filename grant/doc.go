// Package grant is the partner's grant server as an http.Handler: the
// session gives the user, Toss says whether the order was paid, and the
// ledger records each paid order exactly once, with its credit, in one
// transaction. A refund sweep asks Toss again about recent grants, since
// one-time purchases have no refund webhook.
//
// # The API
//
//	POST /api/login  {"authorizationCode", "referrer"}  → 200 {"userKey": N} + session cookie
//	POST /api/logout                                    → 200 {"loggedOut": true}
//	GET  /api/me                                        → 200 {"userKey", "grants", "wallet": {"balance"}}
//	POST /api/grant  {"orderId", "sku", "subscriptionId"?} → 200 {"granted": true, "orderId", "sku"}
//	GET  /api/grants?cursor=&limit=   (Config.Dev only) → 200 {"grants": [...], "next"?}
//	GET  /api/grants/{orderId}        (Config.Dev only) → 200 {"orderId", "sku", "userKey", "grantedAt", "revokedAt"}
//
// Every request is first checked to come from the page's own origin (or
// one of Config.AllowedOrigins): an Origin header naming another, or
// Sec-Fetch-Site cross-site or same-site without one, is refused with 403
// whatever else the request carries. Scripts send neither and pass. POST
// bodies must be application/json (415), at most 16 KiB (413), one JSON
// object with exactly named, typed, bounded string fields (400). Other
// paths are a JSON 404, other methods a JSON 405.
//
// Every answer is JSON with Cache-Control: no-store; every answer but 200
// has {"code", "error"}, and "tossStatus" when Toss's word decided it.
// The codes of POST /api/grant:
//
//	401 no_session          no or expired session cookie
//	403 other_user          the ledger has the order, granted to another user
//	403 miniapp_mismatch    Toss: MINIAPP_MISMATCH
//	404 order_not_found     Toss: NOT_FOUND (also another user's order: Toss
//	                        finds only the asking user's orders)
//	409 order_failed        Toss: FAILED
//	409 order_refunded      Toss: REFUNDED, or the grant was revoked
//	503 order_pending       Toss: ORDER_IN_PROGRESS, ERROR or a status unknown here
//	503 toss_unavailable    Toss unreachable, 5xx, over its limit, or a FAIL envelope
//	503 toss_bad_answer     Toss answered about another order, or paid without an sku
//	503 store_unavailable   the ledger cannot be read or written now
//
// Every 503 has Retry-After (Toss's own wait when it gave one, else 5 s):
// the order stays pending and the page's recover() grants it later.
// POST /api/login answers 401 login_refused when Toss refuses the code
// (FAIL envelope or OAuth invalid_grant) and 503 toss_unavailable when it
// cannot answer.
//
// # What the grant trusts
//
// Only the session (for the user) and Toss (for everything else). The
// page's sku is advisory: the row records Toss's sku, the credit is
// Config.Credits of Toss's sku, and the answer names Toss's sku, so a
// request naming another sku, first or as a replay, grants what was paid
// for and nothing more (the mismatch is logged). A repeat is answered from
// the ledger without asking Toss; concurrent requests of one user for one
// order in one process share one question to Toss, and the store's unique
// order id keeps the grant single across processes.
//
// Sessions live in the Store under the SHA-256 of a random cookie value,
// with the Toss tokens, so any instance on the same Store serves them. The
// cookie is HttpOnly, SameSite=Strict, Path=/, and over HTTPS Secure with
// the __Host- prefix.
//
// The wallet balance is the sum of the credits of the user's granted,
// unrevoked orders, so the credit and its ledger row are one write and a
// revoke takes the credit back in the same write; OnRevoke is told after.
package grant
