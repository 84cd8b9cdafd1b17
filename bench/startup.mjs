// startup.mjs — start-up cost: goiap's load() from already-read bytes until
// the client answers stats(), against a hello-world Go program (bench/hello)
// run by the same wasm_exec.js until it calls its one JS callback. Both
// include compile + instantiate + Go runtime start; runs are interleaved.
// A page runs one Go program for all its clients, so each cold run is the
// first load() of a fresh Node process (`--once main|hello`, timed inside
// it), as a page's first load() is. Also times compile alone for each
// module, and a load() once the program runs. Writes startup.json.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { arg, goClient, median, now, readBytes, sleep, writeJSON } from './lib.mjs';

const RUNS = Number(arg('runs', 20));
const WARMUP = Number(arg('warmup', 2));
const mainFile = await readBytes(arg('wasm', 'web/main.wasm'));
const helloFile = await readBytes('bench/out/hello.wasm');

// V8 keeps compiled modules by their bytes (the native module cache): a
// second compile of the same bytes can reuse the first. Every run gets its
// own bytes, the file plus a small custom section, so every run compiles.
let seq = 0;
function unique(bytes) {
  const name = new TextEncoder().encode(`goiap-bench-${++seq}`);
  const extra = Uint8Array.of(0, name.length + 1, name.length, ...name);
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes);
  out.set(extra, bytes.length);
  return out;
}

// Between runs: (with --expose-gc) the garbage is collected, so no run pays
// for the one before. A hello program exits; goiap's runs as long as the page.
async function quiesce(exited) {
  await Promise.race([exited, sleep(1)]);
  globalThis.gc?.();
}

async function startMain(wasm = unique(mainFile)) {
  const t0 = now();
  const client = await goClient({ wasm });
  const s = client.stats();
  const ms = now() - t0;
  assert.equal(s.inFlight, 0);
  await client.close();
  await quiesce();
  return ms;
}

async function startHello(compiled) {
  const t0 = now();
  const called = new Promise((resolve) => { globalThis.__goiapBenchHello = resolve; });
  const go = new globalThis.Go();
  const module = compiled ?? await WebAssembly.compile(unique(helloFile));
  const instance = await WebAssembly.instantiate(module, go.importObject);
  const exited = go.run(instance);
  await called;
  const ms = now() - t0;
  delete globalThis.__goiapBenchHello;
  await quiesce(exited);
  return ms;
}

async function compileOnly(bytes) {
  const t0 = now();
  await WebAssembly.compile(bytes);
  return now() - t0;
}

const once = arg('once', '');
if (once) { // a child: one cold start, timed here
  console.log(once === 'main' ? await startMain() : await startHello());
  process.exit(0);
}
const self = fileURLToPath(import.meta.url);
const cold = (what) => Number(execFileSync(process.execPath, ['--expose-gc', self, '--once', what], { encoding: 'utf8' }).trim().split('\n').pop());

const main = [];
const hello = [];
for (let i = 0; i < WARMUP + RUNS; i++) {
  // Alternate which goes first, in case order still matters.
  let h;
  let m;
  if (i % 2) { m = cold('main'); h = cold('hello'); } else { h = cold('hello'); m = cold('main'); }
  if (i >= WARMUP) { hello.push(h); main.push(m); }
}
// The parts: compile alone, and start from one compiled module, reused
// (instantiate + Go runtime and package init + the client's own set-up, on
// code V8 has already tiered up: the fresh runs above also pay for running
// cold baseline code).
const compileMain = [];
const compileHello = [];
const initMain = [];
const initHello = [];
const mainModule = await WebAssembly.compile(unique(mainFile));
const helloModule = await WebAssembly.compile(unique(helloFile));
for (let i = 0; i < Math.max(5, RUNS / 2); i++) {
  compileHello.push(await compileOnly(unique(helloFile)));
  compileMain.push(await compileOnly(unique(mainFile)));
  initHello.push(await startHello(helloModule));
  initMain.push(await startMain(mainModule));
}

const r = {
  runs: RUNS,
  helloMedianMs: median(hello), mainMedianMs: median(main), ratio: median(main) / median(hello),
  compileHelloMedianMs: median(compileHello), compileMainMedianMs: median(compileMain),
  fromModuleHelloMedianMs: median(initHello), fromModuleMainMedianMs: median(initMain),
  helloMs: hello.map((x) => +x.toFixed(2)), mainMs: main.map((x) => +x.toFixed(2)),
};
await writeJSON('startup.json', r);
console.log(`start-up: hello ${r.helloMedianMs.toFixed(1)} ms, goiap ${r.mainMedianMs.toFixed(1)} ms, ratio ${r.ratio.toFixed(2)} (compile alone: ${r.compileHelloMedianMs.toFixed(1)} / ${r.compileMainMedianMs.toFixed(1)} ms; from a compiled module: ${r.fromModuleHelloMedianMs.toFixed(1)} / ${r.fromModuleMainMedianMs.toFixed(1)} ms)`);
