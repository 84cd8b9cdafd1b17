// lifecycle.test.js — AbortSignal, close(), and several clients side by
// side.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  app, setup, newClient, resetApp, rejection, idle, posted, grantReports, holdCheckouts, eventually, within,
  startGrantServer, printed, sleep,
} from './harness.js';

beforeEach(() => resetApp());

const ZERO = { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 };

// ——— abort ———

test('abort before start: ABORTED, nothing posted', async (t) => {
  const { iap, server } = await setup(t);
  for (const signal of [AbortSignal.abort(), AbortSignal.abort(new Error('why')), (() => { const c = new AbortController(); c.abort('str'); return c.signal; })()]) {
    const e = await rejection(iap.buy('item_coin_100', { signal }));
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'ABORTED');
    assert.equal(e.orderId, undefined);
  }
  assert.equal(app.messages.length, 0);
  assert.equal(server.grants.length, 0);
  assert.deepEqual(iap.stats(), ZERO);
});

test('abort while the checkout is open: ABORTED, removeEventListener posted, no listener left', async (t) => {
  const { iap, server } = await setup(t);
  const checkouts = holdCheckouts();
  const ac = new AbortController();
  const p = iap.buy('item_coin_100', { signal: ac.signal });
  const c = await checkouts.next();
  assert.equal(app.listenerCount(), 2);
  assert.equal(iap.stats().inFlight, 1);
  ac.abort();
  const e = await rejection(p);
  assert.ok(e instanceof Error);
  assert.equal(e.code, 'ABORTED');
  assert.equal(e.orderId, undefined, 'nothing was paid');
  const [add] = posted('addEventListener');
  const removes = posted('removeEventListener');
  assert.equal(removes.length, 1);
  assert.equal(removes[0].eventId, add.eventId);
  assert.equal(c.open, false, 'the app saw the checkout closed');
  assert.equal(app.listenerCount(), 0);
  assert.deepEqual(await idle(iap), ZERO);
  assert.equal(server.grants.length, 0);
  // the client is free again
  app.onCheckout = (x) => x.pay();
  const r = await iap.buy('item_coin_100');
  assert.deepEqual(server.grantedOrderIds(), [r.orderId]);
});

test('abort by AbortSignal.timeout while the checkout is open', async (t) => {
  const { iap } = await setup(t);
  holdCheckouts();
  const t0 = Date.now();
  const e = await rejection(iap.buy('item_coin_100', { signal: AbortSignal.timeout(60) }));
  assert.equal(e.code, 'ABORTED');
  assert.ok(Date.now() - t0 >= 50, 'not before the timeout');
  assert.equal(posted('removeEventListener').length, 1);
  assert.deepEqual(await idle(iap), ZERO);
});

test('after an abort, events the app still sends for that checkout go nowhere', async (t) => {
  const { iap, server } = await setup(t);
  const checkouts = holdCheckouts();
  app.grantWaitMs = 50;
  const ac = new AbortController();
  const p = iap.buy('item_coin_100', { signal: ac.signal });
  const c = await checkouts.next();
  ac.abort();
  assert.equal((await rejection(p)).code, 'ABORTED');
  const mark = printed.length;
  const { order, granted } = await c.pay(); // the user somehow pays anyway
  assert.equal(granted, false);
  c.emitError({ code: 'USER_CANCELED' });
  await sleep(20);
  assert.equal(server.grants.length, 0, 'no listener: the SDK dropped purchased');
  assert.deepEqual(app.pendingOrders().map((o) => o.orderId), [order.orderId], 'recoverable later');
  assert.deepEqual(printed.slice(mark).filter((l) => /released|recovered/.test(l)), []);
  assert.deepEqual(await idle(iap), ZERO);
});

test('abort while the grant runs: ABORTED for the caller, but the grant completes and the app gets its report', async (t) => {
  const { iap, server } = await setup(t, { grantTimeoutMs: 2000 });
  server.state.delayMs = 150;
  const ac = new AbortController();
  let paid;
  app.onCheckout = (c) => { paid = c.pay(); };
  const p = iap.buy('item_coin_100', { signal: ac.signal });
  await eventually(() => server.grants.length === 1, 2000, 'the grant POST');
  assert.equal(grantReports().length, 0, 'not reported yet');
  ac.abort();
  const e = await rejection(p);
  assert.ok(e instanceof Error);
  assert.equal(e.code, 'ABORTED');
  const orderId = server.grants[0].body.orderId;
  assert.equal(e.orderId, orderId, 'the order is known: it was paid');
  assert.equal(posted('removeEventListener').length, 1);
  const { order, granted } = await within(paid, 3000, 'the checkout');
  assert.equal(granted, true);
  assert.equal(order.orderId, orderId);
  assert.deepEqual(grantReports(), [{ orderId, isProductGranted: true }]);
  assert.equal(server.grants[0].answered, 'ok');
  assert.equal(app.orders.get(orderId).status, 'COMPLETED');
  assert.deepEqual(app.pendingOrders(), []);
  assert.deepEqual(await idle(iap), ZERO);
});

test('abort while a refused grant runs: ABORTED, and the app still hears isProductGranted:false', async (t) => {
  const { iap, server } = await setup(t, { grantTimeoutMs: 2000 });
  server.state.delayMs = 100;
  server.state.mode = 'deny';
  const ac = new AbortController();
  let paid;
  app.onCheckout = (c) => { paid = c.pay(); };
  const p = iap.buy('item_coin_100', { signal: ac.signal });
  await eventually(() => server.grants.length === 1);
  ac.abort();
  const e = await rejection(p);
  assert.equal(e.code, 'ABORTED');
  const { order, granted } = await within(paid, 3000, 'the checkout');
  assert.equal(granted, false);
  assert.equal(e.orderId, order.orderId);
  assert.deepEqual(grantReports(), [{ orderId: order.orderId, isProductGranted: false }]);
  assert.deepEqual(app.pendingOrders().map((o) => o.orderId), [order.orderId]);
  await idle(iap);
});

test('after an abort during the grant, the next purchase starts at once and each order is granted once', async (t) => {
  const { iap, server } = await setup(t, { grantTimeoutMs: 2000 });
  server.state.delayMs = 150;
  const ac = new AbortController();
  const p1 = iap.buy('item_coin_100', { signal: ac.signal });
  await eventually(() => server.grants.length === 1);
  ac.abort();
  const e = await rejection(p1);
  assert.equal(e.code, 'ABORTED');
  assert.equal(iap.stats().inFlight, 1, 'the first grant still runs');
  const r2 = await iap.buy('item_remove_ads'); // not PURCHASE_IN_PROGRESS
  assert.notEqual(r2.orderId, e.orderId);
  assert.deepEqual(r2, app.resultFor(r2.orderId, 'item_remove_ads'));
  await idle(iap);
  assert.deepEqual(server.grantedOrderIds(), [e.orderId, r2.orderId]);
  assert.deepEqual(grantReports().map((r) => [r.orderId, r.isProductGranted]).sort(), [[e.orderId, true], [r2.orderId, true]].sort());
  assert.deepEqual(app.pendingOrders(), []);
});

test('abort after the purchase settled changes nothing', async (t) => {
  const { iap } = await setup(t);
  const ac = new AbortController();
  const r = await iap.buy('item_coin_100', { signal: ac.signal });
  ac.abort();
  await sleep(10);
  assert.deepEqual(r, app.resultFor(r.orderId, 'item_coin_100'));
  assert.deepEqual(iap.stats(), ZERO);
  assert.equal(posted('removeEventListener').length, 1);
});

test('one AbortController for two purchases in a row: the second starts aborted', async (t) => {
  const { iap } = await setup(t);
  const checkouts = holdCheckouts();
  const ac = new AbortController();
  const p = iap.buy('item_coin_100', { signal: ac.signal });
  await checkouts.next();
  ac.abort();
  assert.equal((await rejection(p)).code, 'ABORTED');
  assert.equal((await rejection(iap.buy('item_coin_100', { signal: ac.signal }))).code, 'ABORTED');
  assert.equal(posted('addEventListener').length, 1);
});

// ——— close ———

test('close() with a checkout open: the buy rejects CLOSED, the SDK listeners go, later buys reject CLOSED', async (t) => {
  const server = await startGrantServer();
  t.after(() => server.close());
  const iap = await newClient({ grantURL: server.url });
  const checkouts = holdCheckouts();
  const p = iap.buy('item_coin_100');
  await checkouts.next();
  const closing = iap.close();
  const e = await rejection(p);
  assert.ok(e instanceof Error);
  assert.equal(e.code, 'CLOSED');
  assert.equal(e.orderId, undefined);
  await within(closing, 2000, 'close()');
  assert.equal(posted('removeEventListener').length, 1);
  assert.equal(app.listenerCount(), 0);
  const later = await rejection(iap.buy('item_coin_100'));
  assert.equal(later.code, 'CLOSED');
  assert.ok(later instanceof Error);
  assert.equal(posted('addEventListener').length, 1, 'nothing posted after close');
  await eventually(() => JSON.stringify(iap.stats()) === JSON.stringify(ZERO), 2000, 'stats zeros');
  assert.deepEqual(iap.stats(), ZERO);
  // idempotent
  await within(iap.close(), 1000, 'a second close()');
  assert.equal((await rejection(iap.buy('item_coin_100'))).code, 'CLOSED');
});

test('close() while idle resolves, and stats() is zeros', async () => {
  const iap = await newClient();
  await within(iap.close(), 2000, 'close()');
  await eventually(() => iap.stats().liveCallbacks === 0);
  assert.deepEqual(iap.stats(), ZERO);
  assert.equal((await rejection(iap.buy('item_coin_100'))).code, 'CLOSED');
  assert.equal(app.messages.length, 0);
});

test('close() during the grant: the buy rejects CLOSED, the grant still completes and is reported', async (t) => {
  const server = await startGrantServer();
  t.after(() => server.close());
  server.state.delayMs = 200;
  const iap = await newClient({ grantURL: server.url, grantTimeoutMs: 3000 });
  let paid;
  app.onCheckout = (c) => { paid = c.pay(); };
  const p = iap.buy('item_coin_100');
  await eventually(() => server.grants.length === 1);
  const closing = iap.close();
  const e = await rejection(p);
  assert.equal(e.code, 'CLOSED');
  const orderId = server.grants[0].body.orderId;
  assert.equal(e.orderId, orderId);
  await within(closing, 1000, 'close()');
  const { granted } = await within(paid, 3000, 'the checkout');
  assert.equal(granted, true, 'the app heard the grant');
  assert.deepEqual(grantReports(), [{ orderId, isProductGranted: true }]);
  assert.equal(app.orders.get(orderId).status, 'COMPLETED');
  await eventually(() => iap.stats().inFlight === 0 && iap.stats().liveCallbacks === 0, 3000);
  assert.deepEqual(iap.stats(), ZERO);
});

test('close() with a legacy checkout open: CLOSED, and a payment that comes later still reaches the grant', async (t) => {
  const server = await startGrantServer();
  t.after(() => server.close());
  resetApp({ os: 'android', version: '5.231.0' });
  const iap = await newClient({ grantURL: server.url });
  const checkouts = holdCheckouts();
  const p = iap.buy('item_coin_100');
  const c = await checkouts.next();
  await within(iap.close(), 1000, 'close()');
  assert.equal((await rejection(p)).code, 'CLOSED');
  const { order } = await c.pay();
  await eventually(() => server.grants.length === 1, 2000, 'the grant POST');
  assert.equal(server.grants[0].raw, JSON.stringify({ orderId: order.orderId, sku: 'item_coin_100' }));
  await eventually(() => iap.stats().liveCallbacks === 0 && iap.stats().inFlight === 0, 2000);
  assert.deepEqual(iap.stats(), ZERO);
});

test('several clients side by side stay independent; closing one leaves the others working', async (t) => {
  const { iap: a, server: sa } = await setup(t);
  const { iap: b, server: sb } = await setup(t);
  const { iap: c, server: sc } = await setup(t);
  const checkouts = holdCheckouts();
  const pa = a.buy('item_coin_100');
  const pb = b.buy('item_remove_ads');
  const ca = await checkouts.next();
  const cb = await checkouts.next();
  assert.equal(posted('addEventListener').length, 2, 'one in flight per client, not per page');
  assert.equal(a.stats().inFlight, 1);
  assert.equal(b.stats().inFlight, 1);
  assert.equal(c.stats().inFlight, 0);
  // closing b ends b's purchase only
  await within(b.close(), 2000, 'b.close()');
  const eb = await rejection(pb);
  assert.equal(eb.code, 'CLOSED');
  assert.equal(cb.open, false);
  assert.equal(ca.open, true);
  assert.equal(app.listenerCount(), 2, "a's listeners are still there");
  ca.pay();
  const ra = await pa;
  assert.deepEqual(ra, app.resultFor(ra.orderId, 'item_coin_100'));
  app.onCheckout = (x) => x.pay();
  const rc = await c.buy('item_coin_100');
  assert.deepEqual(sa.grantedOrderIds(), [ra.orderId]);
  assert.deepEqual(sb.grantedOrderIds(), []);
  assert.deepEqual(sc.grantedOrderIds(), [rc.orderId]);
  assert.equal((await rejection(b.buy('item_coin_100'))).code, 'CLOSED');
  const ra2 = await a.buy('item_coin_100');
  assert.notEqual(ra2.orderId, ra.orderId);
  assert.deepEqual(await idle(a), ZERO);
  assert.deepEqual(await idle(c), ZERO);
  await eventually(() => b.stats().liveCallbacks === 0);
  assert.deepEqual(b.stats(), ZERO);
});

test('an abort on one client does not touch another', async (t) => {
  const { iap: a } = await setup(t);
  const { iap: b } = await setup(t);
  const checkouts = holdCheckouts();
  const ac = new AbortController();
  const pa = a.buy('item_coin_100', { signal: ac.signal });
  const pb = b.buy('item_coin_100');
  await checkouts.next();
  const cb = await checkouts.next();
  ac.abort();
  assert.equal((await rejection(pa)).code, 'ABORTED');
  assert.equal(b.stats().inFlight, 1);
  cb.pay();
  const rb = await pb;
  assert.match(rb.orderId, /^ord-/);
});

test('many clients loaded and closed leave nothing behind', async () => {
  const mark = printed.length;
  const clients = await Promise.all(Array.from({ length: 8 }, () => newClient({ fetch: async () => new Response('{"granted":true}') })));
  const results = [];
  for (const iap of clients) results.push(await iap.buy('item_coin_100'));
  assert.equal(new Set(results.map((r) => r.orderId)).size, 8);
  await within(Promise.all(clients.map((c) => c.close())), 3000, 'close() of all');
  for (const iap of clients) {
    await eventually(() => iap.stats().liveCallbacks === 0);
    assert.deepEqual(iap.stats(), ZERO);
  }
  assert.equal(app.listenerCount(), 0);
  assert.deepEqual(printed.slice(mark).filter((l) => /released function|recovered/.test(l)), []);
});
