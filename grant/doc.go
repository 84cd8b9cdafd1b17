// Package grant is the partner's grant server as an http.Handler: the
// session gives the user, Toss says whether the order was paid, and the
// ledger records each paid order exactly once, with its credit, in one
// transaction. A refund sweep asks Toss again about recent grants, since
// one-time purchases have no refund webhook.
package grant
