// flow.mjs — per-flow cost: a complete one-time purchase through the Go
// client's buy() against the same flow in plain JS on the SDK, in
// interleaved batches (JS, Go, JS with an AbortController, JS, Go, …)
// after a warm-up; the simulated app answers on a microtask and fetch is
// an in-process function. Writes flow.json.
import assert from 'node:assert/strict';
import {
  SKU, app, arg, goClient, grant, housekeeping, idle, jsBuy, median, now, readBytes, writeJSON,
} from './lib.mjs';

const BATCHES = Number(arg('batches', 10));
const PER_BATCH = Number(arg('per-batch', 200));
const WARMUP = Number(arg('warmup', 600));

app.onCheckout = (c) => c.pay();
grant.mode = 'ok';
const client = await goClient({ wasm: await readBytes(arg('wasm', 'web/main.wasm')) });
const goBuy = (sku) => client.buy(sku);

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
  for (const buy of [jsBuy, goBuy, jsAbortBuy]) {
    await run(buy, Math.ceil(WARMUP / 3));
    await settle();
  }
}

const js = [];
const go = [];
const jsAbort = [];
for (let b = 0; b < BATCHES; b++) {
  js.push(await run(jsBuy, PER_BATCH));
  await settle();
  go.push(await run(goBuy, PER_BATCH));
  await settle();
  jsAbort.push(await run(jsAbortBuy, PER_BATCH));
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
  jsBatchesUs: js.map((x) => +x.toFixed(2)), goBatchesUs: go.map((x) => +x.toFixed(2)),
  jsAbortBatchesUs: jsAbort.map((x) => +x.toFixed(2)),
};
await writeJSON('flow.json', r);
console.log(`per flow: JS ${r.jsMedianUs.toFixed(1)} µs, Go ${r.goMedianUs.toFixed(1)} µs, Go/JS ${r.ratio.toFixed(2)} (JS with AbortController ${r.jsAbortMedianUs.toFixed(1)} µs)`);
