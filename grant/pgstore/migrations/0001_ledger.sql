-- The ledger, the wallets, the sessions and the leases.

-- One row per granted order: the primary key is the claim, so two
-- instances granting the same order at once insert one row between them.
CREATE TABLE grants (
    order_id   text PRIMARY KEY,
    -- The order of the grants, for paging (UNIQUE gives it its index).
    seq        bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    user_key   bigint NOT NULL,
    sku        text NOT NULL,
    credit     bigint NOT NULL,
    granted_at timestamptz NOT NULL,
    revoked_at timestamptz,
    checked_at timestamptz
);

-- The refund sweep asks for unrevoked, recently granted rows, least
-- recently checked first.
CREATE INDEX grants_due ON grants (checked_at NULLS FIRST, seq)
    WHERE revoked_at IS NULL;

-- The wallet moves in the same transaction as its ledger row.
CREATE TABLE wallets (
    user_key bigint PRIMARY KEY,
    balance  bigint NOT NULL DEFAULT 0,
    grants   integer NOT NULL DEFAULT 0
);

-- id is a hash of the cookie, never the cookie itself.
CREATE TABLE sessions (
    id            text PRIMARY KEY,
    user_key      bigint NOT NULL,
    access_token  text NOT NULL,
    refresh_token text NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL
);

CREATE INDEX sessions_expiry ON sessions (expires_at);

-- A lease names the one instance that runs a job (the refund sweep) until
-- expires_at; a dead holder loses it when it expires.
CREATE TABLE leases (
    name       text PRIMARY KEY,
    holder     text NOT NULL,
    expires_at timestamptz NOT NULL
);
