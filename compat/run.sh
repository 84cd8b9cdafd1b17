#!/usr/bin/env bash
# make compat: the Node tests and a feature probe on every 2.x release of
# @apps-in-toss/web-bridge (with @apps-in-toss/bridge-core at the same
# version, as @apps-in-toss/web-framework pins them), one release after
# another: in parallel, a 2-core machine turns busy into false timeouts.
# Each release is installed into its own directory; web/package-lock.json is
# never touched. Writes compat/out/table.md and the README's table.
#
#   bash compat/run.sh                 every 2.x release the registry serves
#   COMPAT_VERSIONS="2.0.1 2.10.8" bash compat/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/compat/out
mkdir -p "$out"
work=${COMPAT_DIR:-$(mktemp -d)}

versions=${COMPAT_VERSIONS:-$(npm view @apps-in-toss/web-bridge versions --json |
  node -e 'const v = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(v.filter((x) => /^2\.\d+\.\d+$/.test(x)).join(" "))')}

rows=()
failed=0
for v in $versions; do
  dir=$work/$v
  if [ ! -d "$dir/node_modules/@apps-in-toss/web-bridge" ]; then
    npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "@apps-in-toss/web-bridge@$v" "@apps-in-toss/bridge-core@$v" >/dev/null
  fi
  echo "== @apps-in-toss/web-bridge $v"
  start=$SECONDS
  tests=pass
  if ! (cd web && GOIAP_SDK_DIR=$dir node --test --test-concurrency=1 --test-reporter=tap test/*.test.js >"$out/$v.tap" 2>&1); then
    tests=fail
    failed=1
  fi
  summary=$(grep -E '^# (pass|fail) ' "$out/$v.tap" | tr '\n' ' ')
  probe=$(cd web && GOIAP_SDK_DIR=$dir node ../compat/probe.mjs | tail -1)
  echo "   tests: $tests ($summary$((SECONDS - start)) s), features: $probe"
  rows+=("$(V=$v T=$tests P=$probe node -e '
    const p = JSON.parse(process.env.P);
    const cell = (x) => (x === "pass" ? "yes" : `no (\`${x}\`)`);
    console.log(`| ${process.env.V} | ${cell(p.purchase)} | ${cell(p.recover)} | ${cell(p.subscriptions)} | ${cell(p.getSubscriptionInfo)} | ${process.env.T} |`);')")
done

{
  echo '| web-bridge / bridge-core | purchase (`buy`) | `recover` | subscriptions (`subscribe`) | `subscriptionInfo` | Node tests |'
  echo '|---|---|---|---|---|---|'
  printf '%s\n' "${rows[@]}"
} >"$out/table.md"
cat "$out/table.md"

# The README keeps the table between two markers.
node -e '
  const fs = require("fs");
  const readme = fs.readFileSync("README.md", "utf8");
  const table = fs.readFileSync(process.argv[1], "utf8");
  const re = /(<!-- compat:begin -->\n)[\s\S]*?(<!-- compat:end -->)/;
  if (!re.test(readme)) { console.error("README.md has no compat markers"); process.exit(1); }
  fs.writeFileSync("README.md", readme.replace(re, (_, a, b) => a + table + b));
' "$out/table.md"
[ -z "${COMPAT_DIR:-}" ] && rm -rf "$work"
exit $failed
