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
const [flow, startup, size, memory, env, tti] = await Promise.all(['flow.json', 'startup.json', 'size.json', 'memory.json', 'env.json', 'tti.json'].map(json));

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

// The targets of issue 12: per flow against the least Go that does the same
// purchase, size (brotli) and time to interactive against hello-world Go.
const TARGETS = { flow: 1.3, startup: 1.5, size: 1.35, tti: 1.5 };
const verdict = (ratio, target) => (ratio == null ? 'n/a' : ratio <= target ? 'met' : 'MISSED');
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const rows = [];
const row = (area, what, goiap, base, ratio, target, v) => rows.push([area, what, goiap, base, ratio, target, v]);

if (size) {
  for (const [k, label] of [['brotli', 'brotli -q 11'], ['gzip', 'gzip -9'], ['raw', 'raw']]) {
    const target = k === 'brotli' ? TARGETS.size : null;
    row(k === 'brotli' ? 'size' : '', `main.wasm vs hello-world Go, ${label}`, kib(size.main[k]), kib(size.hello[k]), size.ratioHello[k].toFixed(3),
      target ? `≤ ${target}` : '', target ? verdict(size.ratioHello[k], target) : 'info');
  }
  row('', '  main.wasm vs floor (safejs + 1 callback + context/errors/strconv/sync/time), brotli', kib(size.main.brotli), kib(size.floor.brotli),
    size.ratio.brotli.toFixed(3), '', 'info');
}
if (tti) {
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const f = tti.first;
  row('tti', `first visit, Slow 4G + CPU ×${tti.cpuSlowdown}: demo's first buy button vs hello-world Go page, median of ${tti.runs} (${(f.demo.medianBytes / 1024).toFixed(0)} vs ${(f.hello.medianBytes / 1024).toFixed(0)} KiB)`,
    s(f.demo.medianMs), s(f.hello.medianMs), tti.ratio.toFixed(2), `≤ ${TARGETS.tti}`, verdict(tti.ratio, TARGETS.tti));
  const r = tti.repeat;
  row('', `repeat visit (cache on): ${r.demo.requests} requests, ${(r.demo.bytes / 1024).toFixed(1)} KiB; main.wasm ${r.demo.wasm.state}`,
    s(r.demo.ms), s(r.hello.ms), tti.repeatRatio.toFixed(2), 'wasm cached', r.demo.wasm.state === 'cache' ? 'met' : 'MISSED');
}
if (flow) {
  if (flow.minGoMedianUs) {
    row('per flow', `buy() vs bench/minflow, the least Go doing the same purchase (5 JS→Go entries), median of ${flow.batches}×${flow.perBatch} (µs/flow)`,
      flow.goMedianUs.toFixed(1), flow.minGoMedianUs.toFixed(1), flow.minRatio.toFixed(2), `≤ ${TARGETS.flow}`, verdict(flow.minRatio, TARGETS.flow));
  }
  row(flow.minGoMedianUs ? '' : 'per flow', '  buy() vs the same purchase in plain JS on the SDK (µs/flow)',
    flow.goMedianUs.toFixed(1), flow.jsMedianUs.toFixed(1), flow.ratio.toFixed(2), '', 'info');
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
  targets: TARGETS, size, tti, flow, startup, memory, gobench, goStatus,
  table: rows.map((r) => Object.fromEntries(head.map((h, i) => [h || 'verdict', r[i]]))),
};
await writeFile(new URL('results.json', out), JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote ${new URL('results.json', out).pathname}`);
