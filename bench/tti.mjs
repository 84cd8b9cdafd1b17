// tti.mjs — time to interactive on a throttled phone, in Chromium: the demo
// page until its first buy button is enabled, against a page that loads the
// hello-world Go program (bench/hello) until it has run. Writes tti.json.
//
// Both pages are served by the real grant server binary (cmd/grantserver,
// dev mode, with its precompressed .br/.gz files) talking mTLS to the Toss
// API simulator (cmd/tosssim), so the demo logs in and lists its products as
// it would on a phone. The browser is Debian's chromium driven through CDP:
//   network  Lighthouse's "Slow 4G": 150 ms round trip, 1.6 Mbit/s down,
//            750 kbit/s up (Network.emulateNetworkConditions)
//   CPU      4× slower (Emulation.setCPUThrottlingRate)
// First visits: a fresh browser context each, the cache off; the median of
// --runs, hello and demo interleaved. Repeat visit: a fresh context, one
// visit with the cache on, then the page opened again; the CDP network
// events say whether main.wasm was downloaded, revalidated or taken from
// the cache.
//
// A page is ready when it calls window.__goiapReady(ms since navigation):
// the demo through a MutationObserver added before any of its scripts (the
// first button.buy that is not disabled: the buttons are made from Go's
// products() answer, so they exist only once Go runs), hello.js when Go
// called it.
//
//   node bench/tti.mjs --bin bench/out/bin --hello bench/out/hello.wasm [--runs 5]
//
// TTI_DEBUG=1 prints every request of every visit (start → end, status,
// bytes) and the page's own resource timings for the .wasm.
import { execFileSync, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { arg, median, writeJSON } from './lib.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { chromium } = createRequire(join(ROOT, 'web/package.json'))('playwright-core');

const RUNS = Number(arg('runs', 5));
const BIN = join(ROOT, arg('bin', 'bench/out/bin'));
const HELLO_WASM = join(ROOT, arg('hello', 'bench/out/hello.wasm'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT_MS = Number(arg('timeout', 90_000));

// Lighthouse's mobile Slow 4G, as DevTools takes it: bytes per second.
export const NETWORK = {
  offline: false, latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8,
};
export const CPU_SLOWDOWN = 4;
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-extensions', '--disable-default-apps', '--mute-audio',
];
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'ko-KR' };

// Runs in every page before its scripts: reports the first enabled buy
// button (the demo). hello.js reports for itself.
const READY_PROBE = () => {
  const found = () => document.querySelector('button.buy:not(:disabled)');
  const report = () => {
    if (!found()) return false;
    globalThis.__goiapReady?.(performance.now());
    return true;
  };
  const obs = new MutationObserver(() => { if (report()) obs.disconnect(); });
  obs.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
};

// --- processes ------------------------------------------------------------------

const children = [];
process.on('exit', () => { for (const c of children) c.kill('SIGKILL'); });

/** Starts bin with args; resolves with the first match of re on its stdout. */
function start(bin, args, re, what) {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let log = '';
  child.stderr.on('data', (b) => { log += b; });
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} printed no URL in 30 s:\n${log}`)), 30_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited (${code}):\n${log}`)); });
    lines.on('line', (line) => {
      const m = re.exec(line);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
}

async function stopAll() {
  await Promise.all(children.map((c) => new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    const t = setTimeout(() => c.kill('SIGKILL'), 5000);
    c.once('exit', () => { clearTimeout(t); resolve(); });
    c.kill('SIGTERM');
  })));
}

// The hello page's directory: its HTML and script, the same wasm_exec.js
// as main.wasm's, hello.wasm; every file precompressed as `make build` does.
async function helloDir(tmp) {
  const dir = join(tmp, 'hello-web');
  await mkdir(dir);
  const files = [
    [join(ROOT, 'bench/hellopage/index.html'), 'index.html'],
    [join(ROOT, 'bench/hellopage/hello.js'), 'hello.js'],
    [join(ROOT, 'web/wasm_exec.js'), 'wasm_exec.js'],
    [HELLO_WASM, 'hello.wasm'],
  ];
  for (const [from, to] of files) await copyFile(from, join(dir, to));
  execFileSync(process.execPath, [join(ROOT, 'scripts/compress.mjs'), ...files.map(([, to]) => join(dir, to))], { stdio: 'ignore' });
  return dir;
}

// --- one visit --------------------------------------------------------------------

/**
 * Opens url in a new page of ctx, throttled, and waits until it is ready.
 * Resolves with {ms, bytes, requests, wasm: {state, bytes}} where wasm.state
 * says how the .wasm came: downloaded | revalidated | cache | none.
 */
async function visit(ctx, url, { cache, throttle = true }) {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  let onReady;
  const readyAt = new Promise((resolve) => { onReady = resolve; });
  await page.exposeBinding('__goiapReadyAt', (_src, ms) => onReady(ms));
  await page.addInitScript(`(${READY_PROBE})(); globalThis.__goiapReady = (ms) => globalThis.__goiapReadyAt(ms);`);

  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: !cache });
  if (throttle) {
    await cdp.send('Network.emulateNetworkConditions', NETWORK);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  }

  const reqs = new Map(); // requestId → {url, status, fromCache, bytes}
  cdp.on('Network.requestWillBeSent', (e) => { if (!reqs.has(e.requestId)) reqs.set(e.requestId, { url: e.request.url, status: 0, fromCache: false, bytes: 0, t0: e.timestamp }); });
  cdp.on('Network.requestServedFromCache', (e) => { const r = reqs.get(e.requestId); if (r) r.fromCache = true; });
  cdp.on('Network.responseReceived', (e) => {
    const r = reqs.get(e.requestId);
    if (!r) return;
    r.status = e.response.status;
    if (e.response.fromDiskCache || e.response.fromMemoryCache || e.response.fromPrefetchCache) r.fromCache = true;
  });
  // A revalidated file shows as 200 from the cache in responseReceived; the
  // status on the wire (304) is in the extra info.
  const wire = new Map();
  cdp.on('Network.responseReceivedExtraInfo', (e) => wire.set(e.requestId, e.statusCode));
  cdp.on('Network.loadingFinished', (e) => { const r = reqs.get(e.requestId); if (r) { r.bytes = e.encodedDataLength; r.t1 = e.timestamp; } });

  await page.goto(url, { waitUntil: 'commit' });
  const ms = await Promise.race([
    readyAt,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`${url} not ready in ${TIMEOUT_MS} ms: ${errors.join('; ')}`)), TIMEOUT_MS)),
  ]);
  // Let the events of what already arrived come in.
  await new Promise((r) => setTimeout(r, 200));
  const timing = process.env.TTI_DEBUG ? await page.evaluate(() => ({
    marks: performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)]),
    res: performance.getEntriesByType('resource').filter((r) => /wasm/.test(r.name)).map((r) => [r.name.split('/').pop(), Math.round(r.startTime), Math.round(r.responseEnd)]),
  })) : null;
  await cdp.detach().catch(() => {});
  await page.close();

  for (const [id, r] of reqs) if (wire.get(id) === 304) r.status = 304;
  const all = [...reqs.values()];
  if (process.env.TTI_DEBUG) {
    const t = Math.min(...all.map((r) => r.t0));
    for (const r of all) console.error(`  ${((r.t0 - t) * 1000).toFixed(0).padStart(6)} → ${((r.t1 - t) * 1000).toFixed(0).padStart(6)} ms ${String(r.status).padStart(3)} ${r.fromCache ? 'cache' : '     '} ${String(r.bytes).padStart(7)} ${new URL(r.url).pathname}`);
    console.error(`  ready at ${ms.toFixed(0)} ms; ${JSON.stringify(timing)}`);
  }
  const wasm = all.filter((r) => new URL(r.url).pathname.endsWith('.wasm'));
  const w = wasm[0];
  const state = !w ? 'none' : w.status === 304 ? 'revalidated' : w.fromCache ? 'cache' : 'downloaded';
  return {
    ms,
    requests: all.filter((r) => !r.fromCache).length,
    bytes: all.reduce((s, r) => s + (r.fromCache ? 0 : r.bytes), 0),
    wasm: { state, requests: wasm.length, bytes: wasm.reduce((s, r) => s + (r.fromCache ? 0 : r.bytes), 0) },
    errors,
  };
}

// --- the run ---------------------------------------------------------------------

const tmp = await mkdtemp(join(tmpdir(), 'goiap-tti-'));
let browser;
try {
  const simURL = await start(join(BIN, 'tosssim'), ['-addr', '127.0.0.1:0', '-data', join(tmp, 'sim')],
    /^toss simulator: (https:\/\/\S+?)\/?$/, 'tosssim');
  const server = (web, data) => start(join(BIN, 'grantserver'), [
    '-dev', '-addr', '127.0.0.1:0', '-data', data, '-web', web, '-toss-api', simURL,
    '-mtls-cert', join(tmp, 'sim/client.pem'), '-mtls-key', join(tmp, 'sim/client-key.pem'), '-toss-ca', join(tmp, 'sim/ca.pem'),
  ], /^goiap server: (http:\/\/\S+\/)$/, 'grantserver');
  const pages = {
    hello: await server(await helloDir(tmp), join(tmp, 'data-hello')),
    demo: await server(join(ROOT, 'web'), join(tmp, 'data-demo')),
  };

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const fresh = () => browser.newContext(PHONE);

  // One visit of each untimed: the server's and the browser's first-use
  // costs (files into the page cache, TLS to the simulator) are no one's.
  for (const url of Object.values(pages)) {
    const ctx = await fresh();
    await visit(ctx, url, { cache: false, throttle: false });
    await ctx.close();
  }

  const first = { hello: [], demo: [] };
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 ? ['demo', 'hello'] : ['hello', 'demo'];
    for (const name of order) {
      const ctx = await fresh();
      const v = await visit(ctx, pages[name], { cache: false });
      await ctx.close();
      first[name].push(v);
      process.stderr.write(`tti: first visit ${i + 1}/${RUNS} ${name}: ${v.ms.toFixed(0)} ms, ${v.requests} requests, ${(v.bytes / 1024).toFixed(0)} KiB\n`);
    }
  }

  const repeat = {};
  for (const name of ['hello', 'demo']) {
    const ctx = await fresh();
    await visit(ctx, pages[name], { cache: true });
    repeat[name] = await visit(ctx, pages[name], { cache: true });
    await ctx.close();
    const v = repeat[name];
    process.stderr.write(`tti: repeat visit ${name}: ${v.ms.toFixed(0)} ms, ${v.requests} requests, ${(v.bytes / 1024).toFixed(1)} KiB, .wasm ${v.wasm.state}\n`);
  }

  const summary = (runs) => ({
    medianMs: median(runs.map((v) => v.ms)),
    runsMs: runs.map((v) => Math.round(v.ms)),
    medianBytes: median(runs.map((v) => v.bytes)),
    requests: runs[0].requests,
    wasmBytes: runs[0].wasm.bytes,
  });
  const result = {
    network: NETWORK, cpuSlowdown: CPU_SLOWDOWN, runs: RUNS,
    first: { demo: summary(first.demo), hello: summary(first.hello) },
    repeat: {
      demo: { ms: repeat.demo.ms, requests: repeat.demo.requests, bytes: repeat.demo.bytes, wasm: repeat.demo.wasm },
      hello: { ms: repeat.hello.ms, requests: repeat.hello.requests, bytes: repeat.hello.bytes, wasm: repeat.hello.wasm },
    },
  };
  result.ratio = result.first.demo.medianMs / result.first.hello.medianMs;
  result.repeatRatio = result.repeat.demo.ms / result.repeat.hello.ms;
  await writeJSON('tti.json', result);
  const s = (x) => `${(x / 1000).toFixed(2)} s`;
  console.log(`tti (Slow 4G, CPU ×${CPU_SLOWDOWN}): first visit demo ${s(result.first.demo.medianMs)} vs hello ${s(result.first.hello.medianMs)} = ${result.ratio.toFixed(2)}×; `
    + `repeat demo ${s(repeat.demo.ms)} (${(repeat.demo.bytes / 1024).toFixed(1)} KiB, main.wasm ${repeat.demo.wasm.state}) vs hello ${s(repeat.hello.ms)}`);
} finally {
  await browser?.close().catch(() => {});
  await stopAll();
  await rm(tmp, { recursive: true, force: true });
}
