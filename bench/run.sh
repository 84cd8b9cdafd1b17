#!/usr/bin/env bash
# bench/run.sh — `make bench`: how the Go purchase client compares with
# plain JS and with the smallest Go programs. Run from the repo root:
#
#   bash bench/run.sh              the figures: one table, and bench/out/results.json
#   bash bench/run.sh --crossings  where a flow's time goes: Go↔JS crossings per
#                                  buy(), a CPU profile of Go and JS flows, and
#                                  main.wasm's bytes by package
#
# Parts (each a script beside this one, writing bench/out/<part>.json):
#   size.mjs     main.wasm vs bench/hello (and bench/floor), raw / gzip -9 / brotli -q 11
#   tti.mjs      time to interactive in chromium, Slow 4G and CPU 4×: the demo's
#                first buy button vs a page running bench/hello (first and repeat visit)
#   startup.mjs  load() until stats() answers vs bench/hello, from bytes
#   flow.mjs     buy() vs bench/minflow (the least Go that does the same purchase)
#                and vs the same purchase in plain JS on the SDK, interleaved
#   memory.mjs   20,000 mixed flows on one client: nothing left, nothing grows
#   go test -bench in internal/wasm/ and bridge/ (bench_test.go), under Node
#   grants/      the grant server: grants/s, p50/p99 on SQLite and
#                PostgreSQL, 1 and 3 instances (PostgreSQL through
#                GOIAP_TEST_DATABASE_URL, as make test; skipped without it)
# Knobs (environment): BENCH_BATCHES, BENCH_PER_BATCH, BENCH_WARMUP,
# BENCH_STARTUP_RUNS, BENCH_MEMORY_FLOWS, BENCH_GOTIME (go test -benchtime),
# BENCH_GRANTS (paid orders per grant-server configuration),
# BENCH_TTI_RUNS (first visits per page; 0 skips tti.mjs), CHROMIUM.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

MODE=figures
for a in "$@"; do
  case "$a" in
    --crossings) MODE=crossings ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $a (try --help)" >&2; exit 2 ;;
  esac
done

GO=${GO:-go}
GOROOT=$($GO env GOROOT)
OUT=bench/out
mkdir -p "$OUT"
step() { printf '\n== %s\n' "$*" >&2; }

# main.wasm and wasm_exec.js exactly as the Makefile builds them.
step "build"
make --no-print-directory build >&2
# The baselines, with the same flags as main.wasm, in the same run.
wasm_build() { # out pkg [ldflags]
  GOOS=js GOARCH=wasm $GO build -trimpath ${3:+-ldflags="$3"} -o "$1" "$2"
}
wasm_build "$OUT/hello.wasm" ./bench/hello "-s -w"
wasm_build "$OUT/floor.wasm" ./bench/floor "-s -w"
wasm_build "$OUT/minflow.wasm" ./bench/minflow "-s -w"

node -e '
  const os = require("node:os");
  require("node:fs").writeFileSync(process.argv[1], JSON.stringify({
    go: process.argv[2], loadBefore: os.loadavg().map((x) => x.toFixed(2)).join(" "),
  }));' "$OUT/env.json" "$($GO env GOVERSION)"

if [ "$MODE" = crossings ]; then
  # Builds that keep Go's function names (no -s -w), for the profile and
  # the size breakdown; the code is the same.
  wasm_build "$OUT/main-syms.wasm" ./cmd/goiap
  wasm_build "$OUT/floor-syms.wasm" ./bench/floor
  step "crossings per buy() (counted on the wasm_exec imports)"
  node bench/crossings.mjs --flows 500
  step "CPU profile: 3000 Go flows, then 3000 plain JS flows (node --cpu-prof)"
  rm -rf "$OUT/prof"
  node --cpu-prof --cpu-prof-dir="$OUT/prof" --cpu-prof-name=go.cpuprofile bench/profile.mjs --flows 3000 --wasm "$OUT/main-syms.wasm"
  node --cpu-prof --cpu-prof-dir="$OUT/prof" --cpu-prof-name=js.cpuprofile bench/profile.mjs --flows 3000 --js
  node bench/profsum.mjs "$OUT/prof/go.cpuprofile" 3000 30
  echo
  node bench/profsum.mjs "$OUT/prof/js.cpuprofile" 3000 12
  step "bytes: main.wasm vs floor, by package (unstripped builds)"
  node bench/wasmsize.mjs "$OUT/main-syms.wasm" "$OUT/floor-syms.wasm" 20
  echo
  echo "profiles: $OUT/prof/*.cpuprofile (open in Chrome DevTools → Performance); counts: $OUT/crossings.json"
  exit 0
fi

step "size"
node bench/size.mjs
if [ "${BENCH_TTI_RUNS:-5}" != 0 ]; then
  step "time to interactive (chromium, Slow 4G, CPU 4×)"
  # The real server binaries, as \`make run\` runs them.
  $GO build -o "$OUT/bin/grantserver" ./cmd/grantserver
  $GO build -o "$OUT/bin/tosssim" ./cmd/tosssim
  node bench/tti.mjs --runs "${BENCH_TTI_RUNS:-5}" --bin "$OUT/bin" --hello "$OUT/hello.wasm"
else
  rm -f "$OUT/tti.json"
fi
step "start-up"
node --expose-gc bench/startup.mjs --runs "${BENCH_STARTUP_RUNS:-20}"
step "per flow"
node bench/flow.mjs --batches "${BENCH_BATCHES:-10}" --per-batch "${BENCH_PER_BATCH:-200}" --warmup "${BENCH_WARMUP:-600}"
step "memory"
node bench/memory.mjs --flows "${BENCH_MEMORY_FLOWS:-20000}"

# Go benchmarks of the primitives, under Node. go_js_wasm_exec hands the
# environment to the wasm (at most 8 KiB with the arguments): trim it. A
# package that does not build (tests being written) is reported, not fatal.
step "go test -bench (wasm/, bridge/)"
: > "$OUT/gobench.txt"
for pkg in ./internal/wasm/ ./bridge/; do
  env -i PATH="$PATH" HOME="$HOME" GOCACHE="$($GO env GOCACHE)" GOMODCACHE="$($GO env GOMODCACHE)" \
    GOFLAGS="$($GO env GOFLAGS)" GOOS=js GOARCH=wasm \
    "$GO" test -run '^$' -bench . -benchmem -benchtime "${BENCH_GOTIME:-300ms}" -count 1 -timeout 300s \
    -exec "$GOROOT/lib/wasm/go_js_wasm_exec" "$pkg" 2>&1 | tee -a "$OUT/gobench.txt" >&2 || true
done

# The grant server on each ledger: a fixed number of paid orders, each
# granted by one request, 16 in flight.
step "grants (SQLite vs PostgreSQL, 1 and 3 instances)"
$GO run ./bench/grants -requests "${BENCH_GRANTS:-1000}" -json "$OUT/grants.json" > "$OUT/grants.md"

node bench/report.mjs
echo
echo "grant server, ${BENCH_GRANTS:-1000} paid orders per row, 16 requests in flight, Toss simulator on loopback:"
cat "$OUT/grants.md"
