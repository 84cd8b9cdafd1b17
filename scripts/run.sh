#!/usr/bin/env bash
# run.sh — what `make run` does: start the Toss API simulator (cmd/tosssim,
# its own process and port, files under DATA/tosssim) unless TOSS_API is
# set, then the grant server in dev mode, speaking mTLS to it with the
# client certificate the simulator issued. Ctrl-C stops both.
#
# Settings (environment): ADDR, DATA, WEB, TOSS_API, MTLS_CERT, MTLS_KEY,
# TOSS_CA, REFUND_SWEEP; GO is the go command.
set -euo pipefail

GO=${GO:-go}
ADDR=${ADDR:-127.0.0.1:8080}
DATA=${DATA:-./data}
WEB=${WEB:-web}

bin=$(mktemp -d "${TMPDIR:-/tmp}/goiap-run.XXXXXX")
sim_pid=
cleanup() {
  if [[ -n "$sim_pid" ]] && kill -0 "$sim_pid" 2>/dev/null; then
    kill -TERM "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  rm -rf "$bin"
}
trap cleanup EXIT

"$GO" build -o "$bin/grantserver" ./cmd/grantserver

if [[ -z "${TOSS_API:-}" ]]; then
  "$GO" build -o "$bin/tosssim" ./cmd/tosssim
  mkdir -p "$DATA/tosssim"
  # The simulator prints one line with its URL; its log goes to stderr. In
  # its own session, so Ctrl-C reaches only the server, which finishes its
  # grants with the simulator still up; the trap stops the simulator after.
  launch=()
  command -v setsid >/dev/null 2>&1 && launch=(setsid)
  "${launch[@]}" "$bin/tosssim" -addr 127.0.0.1:0 -data "$DATA/tosssim" >"$bin/tosssim.out" &
  sim_pid=$!
  for _ in $(seq 200); do
    TOSS_API=$(sed -n 's|^toss simulator: \(https://[^ ]*\)$|\1|p' "$bin/tosssim.out")
    [[ -n "$TOSS_API" ]] && break
    kill -0 "$sim_pid" 2>/dev/null || { echo "run: the Toss simulator exited" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n "$TOSS_API" ]] || { echo "run: the Toss simulator printed no URL in 20 s" >&2; exit 1; }
  MTLS_CERT=${MTLS_CERT:-$DATA/tosssim/client.pem}
  MTLS_KEY=${MTLS_KEY:-$DATA/tosssim/client-key.pem}
  TOSS_CA=${TOSS_CA:-$DATA/tosssim/ca.pem}
fi

# Not exec: the trap stops the simulator once the server has stopped. The
# server gets Ctrl-C from the terminal and finishes its grants first.
args=(-dev -addr "$ADDR" -data "$DATA" -web "$WEB" -toss-api "$TOSS_API")
[[ -n "${MTLS_CERT:-}" ]] && args+=(-mtls-cert "$MTLS_CERT")
[[ -n "${MTLS_KEY:-}" ]] && args+=(-mtls-key "$MTLS_KEY")
[[ -n "${TOSS_CA:-}" ]] && args+=(-toss-ca "$TOSS_CA")
[[ -n "${REFUND_SWEEP:-}" ]] && args+=(-refund-sweep "$REFUND_SWEEP")
"$bin/grantserver" "${args[@]}" &
server_pid=$!
trap 'kill -TERM "$server_pid" 2>/dev/null || true' INT TERM
status=0
wait "$server_pid" || status=$?
# A signal interrupts the first wait: wait for the server's own exit.
if kill -0 "$server_pid" 2>/dev/null; then wait "$server_pid" || status=$?; fi
exit "$status"
