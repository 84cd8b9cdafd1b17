// stress.test.js — a thousand mixed purchases on one client, then nothing
// may be left behind: no flow in flight, no callback alive, no SDK
// listener, no panic, no call to a released function.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { SDK_CODES, AFTER_PAYMENT_CODES } from '../sim/tossapp.js';
import {
  app, setup, resetApp, rejection, idle, eventually, posted, printed, grantReports,
} from './harness.js';

beforeEach(() => resetApp());

const FLOWS = 1000;

// Each kind: what the app and the grant server do, and what the page must get.
const KINDS = [
  { name: 'success', expect: 'ok' },
  { name: 'cancel', onCheckout: (c) => c.cancel(), expect: 'USER_CANCELED' },
  { name: 'grant refused', mode: 'deny', expect: 'PRODUCT_NOT_GRANTED_BY_PARTNER', order: true, granting: true },
  { name: 'grant 500', mode: 'error', expect: 'PRODUCT_NOT_GRANTED_BY_PARTNER', order: true, granting: true },
  ...SDK_CODES.map((code) => ({ name: `fail ${code}`, onCheckout: (c) => c.fail(code), expect: code, order: AFTER_PAYMENT_CODES.includes(code) })),
  { name: 'abort at checkout', abort: 'checkout', expect: 'ABORTED' },
  { name: 'abort during grant', abort: 'grant', expect: 'ABORTED', order: true, granting: true },
  { name: 'repeated purchased', onCheckout: (c) => c.pay({ repeatPurchased: 2 }), expect: 'ok' },
  { name: 'plain-object error', onCheckout: (c) => c.emitError({ code: 'NETWORK_ERROR', message: 'plain' }), expect: 'NETWORK_ERROR' },
  { name: 'string error', onCheckout: (c) => c.emitError('odd'), expect: 'UNKNOWN' },
  { name: 'malformed success', onCheckout: (c) => c.pay({ result: (d) => ({ ...d, fraction: 1.5 }) }), expect: 'incomplete', granting: true },
  { name: 'invalid sku', sku: 'bad sku', expect: 'INVALID_SKU', posts: 0 },
  { name: 'double tap', doubleTap: true, expect: 'ok' },
];

async function runFlow(iap, server, kind) {
  const sku = kind.sku ?? 'item_coin_100';
  server.state.mode = kind.mode ?? 'ok';
  server.state.delayMs = kind.abort === 'grant' ? 5 : 0;
  const grantsBefore = server.grants.length;
  const ac = new AbortController();
  app.onCheckout = kind.onCheckout ?? ((c) => c.pay());
  if (kind.abort === 'checkout') app.onCheckout = () => queueMicrotask(() => ac.abort());
  const p = iap.buy(sku, { signal: ac.signal });
  let tap;
  if (kind.doubleTap) tap = iap.buy(sku);
  if (kind.abort === 'grant') {
    await eventually(() => server.grants.length > grantsBefore, 2000, 'the grant POST');
    ac.abort();
  }
  if (tap) {
    const e = await rejection(tap);
    assert.equal(e.code, 'PURCHASE_IN_PROGRESS');
  }
  if (kind.expect === 'incomplete') { // granted: a success, whatever the payload
    const r = await p;
    assert.equal(r.incomplete, true, kind.name);
    return { orderId: r.orderId, granted: true };
  }
  if (kind.expect === 'ok') {
    const r = await p;
    assert.deepEqual(r, app.resultFor(r.orderId, sku), kind.name);
    return { orderId: r.orderId, granted: true };
  }
  const e = await rejection(p);
  assert.ok(e instanceof Error, kind.name);
  assert.equal(e.code, kind.expect, kind.name);
  if (kind.order) assert.match(e.orderId ?? '', /^ord-/, `${kind.name}: an order id`);
  else assert.equal(e.orderId, undefined, `${kind.name}: no order id`);
  return { orderId: e.orderId, granted: false };
}

test(`${FLOWS} mixed flows on one client leave nothing behind`, async (t) => {
  const { iap, server } = await setup(t, { grantTimeoutMs: 2000 });
  const mark = printed.length;
  const t0 = Date.now();
  const counts = {};
  const granting = new Set(); // orders a grant POST was expected for
  for (let i = 0; i < FLOWS; i++) {
    const kind = KINDS[i % KINDS.length];
    counts[kind.name] = (counts[kind.name] ?? 0) + 1;
    const { orderId } = await runFlow(iap, server, kind);
    if (kind.expect === 'ok' || kind.granting) granting.add(orderId);
  }
  const took = Date.now() - t0;
  // Aborted grants finish by themselves: wait for them to be reported.
  await eventually(() => iap.stats().inFlight === 0, 5000, 'grants to finish');
  const s = await idle(iap, 5000);
  assert.equal(s.inFlight, 0);
  assert.equal(s.liveCallbacks, 0);
  assert.equal(s.panics, 0);
  assert.equal(app.listenerCount(), 0);
  assert.deepEqual(printed.slice(mark).filter((l) => l.includes('call to released function')), []);
  assert.deepEqual(printed.slice(mark).filter((l) => l.includes('recovered')), []);
  // One grant POST per order that reached the grant, never two.
  const posted_ = server.grantedOrderIds();
  assert.equal(new Set(posted_).size, posted_.length, 'no order granted twice');
  assert.deepEqual(new Set(posted_), granting);
  // Every purchased order was reported to the app (aborts included).
  const reported = new Set(grantReports().map((r) => r.orderId));
  for (const id of granting) assert.ok(reported.has(id), `order ${id} reported`);
  // Every checkout opened was closed again.
  assert.equal(posted('addEventListener').length, posted('removeEventListener').length);
  assert.equal(posted('addEventListener').length, FLOWS - counts['invalid sku']);
  t.diagnostic(`${FLOWS} flows in ${took} ms; ${server.grants.length} grant POSTs; dropped ${s.dropped}`);
});

test('four clients at once, 100 flows each, stay independent', async (t) => {
  const clients = await Promise.all([0, 1, 2, 3].map(() => setup(t, { grantTimeoutMs: 2000 })));
  const kinds = KINDS.filter((k) => !k.mode && !k.abort && !k.doubleTap);
  const scripts = new Map();
  app.onCheckout = (c) => scripts.get(c.sku)(c);
  await Promise.all(clients.map(async ({ iap }, n) => {
    for (let i = 0; i < 100; i++) {
      const kind = kinds[(i + n) % kinds.length];
      // The app is shared: each checkout's script is picked by its SKU.
      const sku = kind.sku ?? `stress_${n}_${i}`;
      app.products.push({ ...app.products[0], sku });
      scripts.set(sku, kind.onCheckout ?? ((c) => c.pay()));
      const p = iap.buy(sku);
      if (kind.expect === 'incomplete') { // granted: a success, whatever the payload
    const r = await p;
    assert.equal(r.incomplete, true, kind.name);
    return { orderId: r.orderId, granted: true };
  }
  if (kind.expect === 'ok') {
        const r = await p;
        assert.deepEqual(r, app.resultFor(r.orderId, sku));
      } else {
        const e = await rejection(p);
        assert.equal(e.code, kind.expect, `${kind.name} on client ${n}`);
      }
    }
  }));
  for (const { iap } of clients) {
    const s = await idle(iap, 5000);
    assert.deepEqual(s, { inFlight: 0, liveCallbacks: 0, dropped: s.dropped, panics: 0 });
  }
  assert.equal(app.listenerCount(), 0);
});
