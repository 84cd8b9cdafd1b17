// report.mjs — puts the parts together: one table on stdout, and every
// figure in bench/out/results.json. Reads what the other scripts wrote
// (flow, startup, size, memory .json) and go test's output (gobench.txt).
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { execFileSync } from 'node:child_process';

const out = new URL('out/', import.meta.url);
const json = async (name) => {
  try { return JSON.parse(await readFile(new URL(name, out), 'utf8')); } catch { return null; }
};
const [flow, startup, size, memory, env] = await Promise.all(['flow.json', 'startup.json', 'size.json', 'memory.json', 'env.json'].map(json));

// go test -bench output: "BenchmarkName[-N]  iters  ns/op  B/op  allocs/op".
const gobench = [];
let goStatus = {};
try {
  const txt = await readFile(new URL('gobench.txt', out), 'utf8');
  let pkg = '';
  for (const line of txt.split('\n')) {
    const p = line.match(/^pkg: (\S+)/);
    if (p) pkg = p[1].replace(/^github\.com\/goiap\/goiap\//, '');
    const m = line.match(/^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+([\d.]+) ns\/op(?:\s+([\d.]+) B\/op\s+([\d.]+) allocs\/op)?/);
    if (m) gobench.push({ pkg, name: m[1].replace(/^Benchmark/, ''), iterations: +m[2], nsPerOp: +m[3], bytesPerOp: m[4] ? +m[4] : null, allocsPerOp: m[5] ? +m[5] : null });
    const s = line.match(/^(ok|FAIL)\s+github\.com\/goiap\/goiap\/(\S+)/);
    if (s) goStatus[s[2]] = s[1];
  }
} catch { goStatus = { all: 'not run' }; }

const TARGETS = { flow: 1.5, startup: 1.5, size: 1.10 };
const verdict = (ratio, target) => (ratio == null ? 'n/a' : ratio <= target ? 'met' : 'MISSED');
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const rows = [];
const row = (area, what, goiap, base, ratio, target, v) => rows.push([area, what, goiap, base, ratio, target, v]);

if (flow) {
  row('per flow', `buy() vs plain JS on the SDK, median of ${flow.batches}×${flow.perBatch} (µs/flow)`,
    flow.goMedianUs.toFixed(1), flow.jsMedianUs.toFixed(1), flow.ratio.toFixed(2), `≤ ${TARGETS.flow}`, verdict(flow.ratio, TARGETS.flow));
  if (flow.jsAbortMedianUs) {
    row('', '  plain JS + an AbortController per grant, as Go makes (µs/flow)', '', flow.jsAbortMedianUs.toFixed(1),
      (flow.goMedianUs / flow.jsAbortMedianUs).toFixed(2), '', 'info');
  }
}
if (startup) {
  row('start-up', `load() → stats() vs hello Go wasm, fresh bytes each run, median of ${startup.runs} (ms)`,
    startup.mainMedianMs.toFixed(1), startup.helloMedianMs.toFixed(1), startup.ratio.toFixed(2), `≤ ${TARGETS.startup}`, verdict(startup.ratio, TARGETS.startup));
  row('', '  WebAssembly.compile alone, fresh bytes (ms)', startup.compileMainMedianMs.toFixed(1), startup.compileHelloMedianMs.toFixed(1),
    (startup.compileMainMedianMs / startup.compileHelloMedianMs).toFixed(2), '', 'info');
  if (startup.fromModuleMainMedianMs) {
    row('', '  from one compiled, warm Module: instantiate + Go init + set-up; goiap: load() on its running program (ms)', startup.fromModuleMainMedianMs.toFixed(1), startup.fromModuleHelloMedianMs.toFixed(1),
      (startup.fromModuleMainMedianMs / startup.fromModuleHelloMedianMs).toFixed(2), '', 'info');
  }
}
if (size) {
  for (const [k, label] of [['raw', 'raw'], ['gzip', 'gzip -9'], ['brotli', 'brotli -q 11']]) {
    row(k === 'raw' ? 'size' : '', `main.wasm vs floor (safejs + 1 callback + context/errors/strconv/sync/time), ${label}`,
      kib(size.main[k]), kib(size.floor[k]), size.ratio[k].toFixed(3), `≤ ${TARGETS.size}`, verdict(size.ratio[k], TARGETS.size));
  }
}
if (memory) {
  const a = memory.points[0];
  const z = memory.points[memory.points.length - 1];
  const o = memory.outcomes;
  row('memory', `${memory.flows} mixed flows (${o.success} ok / ${o.cancel} cancel / ${o.refused} refused): inFlight, liveCallbacks, SDK listeners`,
    `${z.inFlight} / ${z.liveCallbacks} / ${z.sdkListeners}`, '0 / 0 / 0', '', 'zeros', memory.clean ? 'met' : 'MISSED');
  row('', `Go heap in use after GC, @${a.flows} → @${z.flows}`, `${kib(a.heapInUse)} → ${kib(z.heapInUse)}`, '',
    `${memory.heapGrowth >= 0 ? '+' : ''}${(memory.heapGrowth / 1024).toFixed(0)} KiB`, 'no growth', memory.heapGrowth <= memory.heapSlack ? 'met' : 'MISSED');
  if (a.heapObjects != null) {
    row('', `Go heap objects after GC, @${a.flows} → @${z.flows}`, `${a.heapObjects} → ${z.heapObjects}`, '',
      `${memory.heapObjectsGrowth >= 0 ? '+' : ''}${memory.heapObjectsGrowth} (${(memory.heapObjectsGrowth / (z.flows - a.flows)).toFixed(3)}/flow)`, 'no growth', memory.heapObjectsGrowth <= 0 ? 'met' : 'MISSED');
  }
  row('', `JS values Go holds, @${a.flows} → @${z.flows}`, `${a.jsValues} → ${z.jsValues}`, '',
    `${memory.jsValuesGrowth >= 0 ? '+' : ''}${memory.jsValuesGrowth}`, 'no growth', memory.jsValuesGrowth <= 0 ? 'met' : 'MISSED');
  row('', `goroutines, @${a.flows} → @${z.flows}`, `${a.goroutines} → ${z.goroutines}`, '', `${memory.goroutinesGrowth >= 0 ? '+' : ''}${memory.goroutinesGrowth}`, 'no growth', memory.goroutinesGrowth <= 0 ? 'met' : 'MISSED');
}
for (const b of gobench) {
  const us = b.nsPerOp / 1000;
  row(b === gobench[0] ? 'go bench' : '', `${b.pkg}: ${b.name}`, `${us < 10 ? us.toFixed(2) : us.toFixed(1)} µs/op`, '',
    b.allocsPerOp == null ? '' : `${b.bytesPerOp} B, ${b.allocsPerOp} allocs`, '', 'info');
}
for (const [pkg, s] of Object.entries(goStatus)) if (s !== 'ok') row('go bench', `${pkg}: go test`, s, '', '', '', 'FAILED');

const head = ['area', 'what', 'goiap', 'baseline', 'ratio / growth', 'target', ''];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (r) => r.map((c, i) => (i >= 2 && i <= 4 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ').trimEnd();
console.log(`\ngoiap bench — ${new Date().toISOString()}, node ${process.version}, ${env?.go ?? ''}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`);
if (env?.loadBefore) console.log(`load average before / after: ${env.loadBefore} / ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}  (other work on the machine skews absolute times; ratios come from interleaved runs)`);
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));

let commit = null;
try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { /* not a checkout */ }
const results = {
  date: new Date().toISOString(), commit, node: process.version, go: env?.go ?? null,
  cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? null, loadBefore: env?.loadBefore ?? null, loadAfter: os.loadavg(),
  targets: TARGETS, flow, startup, size, memory, gobench, goStatus,
  table: rows.map((r) => Object.fromEntries(head.map((h, i) => [h || 'verdict', r[i]]))),
};
await writeFile(new URL('results.json', out), JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote ${new URL('results.json', out).pathname}`);
