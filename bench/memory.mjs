// memory.mjs — 20,000 flows of mixed outcomes (success, user cancel, grant
// refused) on one Go client. After each checkpoint: stats() must show
// inFlight 0 and liveCallbacks 0, the SDK's emitter no listener, and
// neither Go's heap in use after a GC nor the JS values Go holds may grow
// between 1,000 and 20,000 flows. Writes memory.json.
import assert from 'node:assert/strict';
import {
  SKU, app, arg, goClient, grant, housekeeping, idle, readBytes, writeJSON,
} from './lib.mjs';

const FLOWS = Number(arg('flows', 20000));
const CHECKPOINTS = [1000, 5000, 10000, 15000, FLOWS].filter((n, i, a) => n <= FLOWS && a.indexOf(n) === i);
// Tolerances for "does not grow": Go's heap is counted in 8 KiB spans and
// a GC leaves some slack; JS values must come back exactly.
const HEAP_SLACK = 64 * 1024;

const client = await goClient({ wasm: await readBytes(arg('wasm', 'web/main.wasm')) });
const debug = client[Symbol.for('goiap.debug')]();
const outcomes = { success: 0, cancel: 0, refused: 0 };

async function one(i) {
  switch (i % 3) {
    case 0: {
      app.onCheckout = (c) => c.pay();
      grant.mode = 'ok';
      const r = await client.buy(SKU);
      assert.match(r.orderId, /^ord-/);
      outcomes.success++;
      return;
    }
    case 1: {
      app.onCheckout = (c) => c.cancel();
      const e = await client.buy(SKU).then(() => null, (err) => err);
      assert.equal(e?.code, 'USER_CANCELED');
      outcomes.cancel++;
      return;
    }
    default: {
      app.onCheckout = (c) => c.pay();
      grant.mode = 'deny';
      const e = await client.buy(SKU).then(() => null, (err) => err);
      assert.equal(e?.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER');
      assert.match(e.orderId, /^ord-/);
      outcomes.refused++;
    }
  }
}

const points = [];
let emptyEmitterKeys = 0;
for (let i = 0; i < FLOWS; i++) {
  await one(i);
  const n = i + 1;
  if (n % 500 === 0 || CHECKPOINTS.includes(n)) {
    const stats = await idle(client);
    emptyEmitterKeys += housekeeping();
    if (CHECKPOINTS.includes(n)) {
      // Twice: the first collection frees what the last flows dropped and
      // queues their finalizers (which release JS values); the second
      // reads a settled heap. Both checkpoints do the same, so the values
      // the call itself holds cancel out.
      await debug.memStats();
      const mem = await debug.memStats();
      points.push({
        flows: n, inFlight: stats.inFlight, liveCallbacks: stats.liveCallbacks, dropped: stats.dropped, panics: stats.panics,
        sdkListeners: app.listenerCount(), heapInUse: mem.heapInUse, heapAlloc: mem.heapAlloc,
        heapObjects: mem.heapObjects, goroutines: mem.goroutines, jsValues: debug.jsValues?.() ?? 0,
      });
    }
  }
}
await client.close();

const first = points[0];
const last = points[points.length - 1];
const r = {
  flows: FLOWS, outcomes, points, emptyEmitterKeysDropped: emptyEmitterKeys,
  heapGrowth: last.heapInUse - first.heapInUse,
  heapObjectsGrowth: last.heapObjects - first.heapObjects,
  jsValuesGrowth: last.jsValues - first.jsValues,
  goroutinesGrowth: last.goroutines - first.goroutines,
};
r.clean = points.every((p) => p.inFlight === 0 && p.liveCallbacks === 0 && p.sdkListeners === 0);
r.noGrowth = r.heapGrowth <= HEAP_SLACK && r.heapObjectsGrowth <= 0 && r.jsValuesGrowth <= 0 && r.goroutinesGrowth <= 0;
r.heapSlack = HEAP_SLACK;
await writeJSON('memory.json', r);
for (const p of points) {
  console.log(`memory @${String(p.flows).padStart(6)}: inFlight ${p.inFlight} liveCallbacks ${p.liveCallbacks} listeners ${p.sdkListeners} heapInUse ${(p.heapInUse / 1024).toFixed(0)} KiB (${p.heapObjects} objects) jsValues ${p.jsValues} goroutines ${p.goroutines}`);
}
