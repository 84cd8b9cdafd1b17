// flow.mjs — per-flow cost: a complete one-time purchase through the Go
// client's buy() against the smallest Go program that runs the same flow
// on the SDK (bench/minflow: as many JS→Go entries, nothing else) and the
// same flow in plain JS, in interleaved batches (JS, Go, JS with an
// AbortController, minimal Go, JS, Go, …)
// after a warm-up; the simulated app answers on a microtask and fetch is
// an in-process function. Writes flow.json.
import assert from 'node:assert/strict';
import {
  BaseGo, SKU, app, arg, fakeFetch, goClient, grant, housekeeping, idle, jsBuy, median, now, readBytes, sdk, writeJSON,
} from './lib.mjs';

const BATCHES = Number(arg('batches', 10));
const PER_BATCH = Number(arg('per-batch', 200));
const WARMUP = Number(arg('warmup', 600));

app.onCheckout = (c) => c.pay();
grant.mode = 'ok';
const client = await goClient({ wasm: await readBytes(arg('wasm', 'web/main.wasm')) });
const goBuy = (sku) => client.buy(sku);

// The baseline Go program, on the same SDK, app and fetch.
globalThis.__goiapMinSDK = sdk;
globalThis.__goiapMinFetch = fakeFetch;
globalThis.__goiapMinWithResolvers = typeof Promise.withResolvers === 'function'
  ? Promise.withResolvers.bind(Promise)
  : () => { const r = {}; r.promise = new Promise((res, rej) => { r.resolve = res; r.reject = rej; }); return r; };
{
  const go = new BaseGo();
  const { instance } = await WebAssembly.instantiate(await readBytes(arg('min', 'bench/out/minflow.wasm')), go.importObject);
  go.run(instance);
  assert.equal(typeof globalThis.goMinBuy, 'function', 'bench/minflow started');
}
const minBuy = (sku) => globalThis.goMinBuy(sku);

async function run(buy, n) {
  const calls = grant.calls;
  const t0 = now();
  let last;
  for (let i = 0; i < n; i++) last = await buy(SKU);
  const perFlow = ((now() - t0) * 1000) / n; // µs
  assert.equal(grant.calls - calls, n, 'one grant POST per flow');
  assert.match(last.orderId, /^ord-/);
  assert.equal(last.amount, 1100);
  return perFlow;
}

async function settle() {
  await idle(client);
  housekeeping();
}

// The plain JS flow with what Go's grant also does: an AbortController per
// grant and a timer at the grant timeout (information, not the target).
const jsAbortBuy = (sku) => jsBuy(sku, { timeoutMs: 25000 });

// Warm-up: every path JITs (and Go's wasm functions tier up) before timing.
for (let i = 0; i < 3; i++) {
  for (const buy of [jsBuy, goBuy, jsAbortBuy, minBuy]) {
    await run(buy, Math.ceil(WARMUP / 3));
    await settle();
  }
}

const js = [];
const go = [];
const jsAbort = [];
const min = [];
for (let b = 0; b < BATCHES; b++) {
  js.push(await run(jsBuy, PER_BATCH));
  await settle();
  go.push(await run(goBuy, PER_BATCH));
  await settle();
  jsAbort.push(await run(jsAbortBuy, PER_BATCH));
  await settle();
  min.push(await run(minBuy, PER_BATCH));
  await settle();
}

const stats = await idle(client);
assert.equal(stats.inFlight, 0);
assert.equal(stats.liveCallbacks, 0);
assert.equal(app.listenerCount(), 0);
await client.close();

const r = {
  batches: BATCHES, perBatch: PER_BATCH, warmup: WARMUP,
  jsMedianUs: median(js), goMedianUs: median(go),
  ratio: median(go) / median(js),
  jsAbortMedianUs: median(jsAbort),
  minGoMedianUs: median(min), minRatio: median(go) / median(min),
  jsBatchesUs: js.map((x) => +x.toFixed(2)), goBatchesUs: go.map((x) => +x.toFixed(2)),
  jsAbortBatchesUs: jsAbort.map((x) => +x.toFixed(2)), minGoBatchesUs: min.map((x) => +x.toFixed(2)),
};
await writeJSON('flow.json', r);
console.log(`per flow: Go ${r.goMedianUs.toFixed(1)} µs, minimal Go ${r.minGoMedianUs.toFixed(1)} µs (×${r.minRatio.toFixed(2)}), `
  + `plain JS ${r.jsMedianUs.toFixed(1)} µs (×${r.ratio.toFixed(2)}; with AbortController ${r.jsAbortMedianUs.toFixed(1)} µs)`);
