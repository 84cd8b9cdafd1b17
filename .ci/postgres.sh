#!/usr/bin/env bash
# Sourced by .ci/run (as root): installs PostgreSQL where it is missing,
# starts the cluster, and creates the role the tests connect as. That role
# may create databases and roles but is not a superuser: each test makes its
# own database owned by a fresh role of its own, as a deployment would.
# Exports GOIAP_TEST_DATABASE_URL for make test. The password is fixed and
# public: this is for CI and development machines whose PostgreSQL listens
# on loopback only (Debian's default).

pg_role=goiap_ci
pg_password=goiap_ci

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends postgresql
fi

# The first cluster (Debian makes one, e.g. 15 main, at install).
read -r pg_version pg_cluster pg_port pg_status _ < <(pg_lsclusters -h | head -n 1)
if [ "$pg_status" != online ]; then
  pg_ctlcluster "$pg_version" "$pg_cluster" start
fi

for _ in $(seq 1 30); do
  runuser -u postgres -- psql -p "$pg_port" -XAtqc 'SELECT 1' >/dev/null 2>&1 && break
  sleep 1
done

runuser -u postgres -- psql -p "$pg_port" -v ON_ERROR_STOP=1 -Xq <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$pg_role') THEN
    CREATE ROLE $pg_role LOGIN CREATEDB CREATEROLE PASSWORD '$pg_password';
  ELSE
    ALTER ROLE $pg_role LOGIN CREATEDB CREATEROLE PASSWORD '$pg_password';
  END IF;
END
\$\$;
-- Dropping a test database WITH (FORCE) may have to end an autovacuum
-- worker that just started on it, which needs pg_signal_backend.
GRANT pg_signal_backend TO $pg_role;
SQL

# Over TCP on loopback: Debian's pg_hba.conf asks a password there, where
# the socket would want the role to be a system user.
export GOIAP_TEST_DATABASE_URL="postgres://$pg_role:$pg_password@127.0.0.1:$pg_port/postgres?sslmode=disable"
