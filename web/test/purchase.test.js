// purchase.test.js — a purchase that works, end to end: the real SDK
// (@apps-in-toss/web-bridge 2.10.8), web/goiap.js and web/main.wasm, on the
// simulated Toss app and a real grant server.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  app, setup, resetApp, rejection, idle, posted, grantReports, checkoutsOpened, holdCheckouts, eventually,
} from './harness.js';

beforeEach(() => resetApp());

const RESULT_KEYS = ['amount', 'currency', 'displayAmount', 'displayName', 'fraction', 'miniAppIconUrl', 'orderId'];

test('success resolves with all seven result fields, exactly as the app sent them', async (t) => {
  const { iap, server } = await setup(t);
  const r = await iap.buy('item_coin_100');
  assert.match(r.orderId, new RegExp(`^${app.prefix}-\\d+$`));
  assert.deepEqual(r, app.resultFor(r.orderId, 'item_coin_100'));
  assert.deepEqual(r, {
    orderId: r.orderId, displayName: '코인 100개', displayAmount: '1,100원', amount: 1100,
    currency: 'KRW', fraction: 0, miniAppIconUrl: 'https://static.toss.im/icons/app.png',
  });
  assert.deepEqual(Object.keys(r).sort(), RESULT_KEYS);
  // granted once, reported once as granted, and the order is done
  assert.deepEqual(server.grantedOrderIds(), [r.orderId]);
  assert.deepEqual(grantReports(), [{ orderId: r.orderId, isProductGranted: true }]);
  assert.equal(app.orders.get(r.orderId).status, 'COMPLETED');
  assert.deepEqual(app.pendingOrders(), []);
  const s = await idle(iap);
  assert.deepEqual(s, { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 });
});

test('the page speaks the current transport: addEventListener {sku}, a grant report, removeEventListener', async (t) => {
  const { iap } = await setup(t);
  const r = await iap.buy('item_remove_ads');
  await idle(iap);
  const add = posted('addEventListener');
  assert.equal(add.length, 1);
  assert.equal(add[0].functionName, 'requestOneTimePurchase');
  assert.deepEqual(add[0].args, { sku: 'item_remove_ads' });
  const report = posted('method', 'processProductGrant');
  assert.equal(report.length, 1);
  assert.deepEqual(report[0].args, [{ orderId: r.orderId, isProductGranted: true }]);
  const remove = posted('removeEventListener');
  assert.equal(remove.length, 1);
  assert.equal(remove[0].eventId, add[0].eventId);
  assert.equal(remove[0].functionName, 'requestOneTimePurchase');
  assert.deepEqual(app.messages.map((m) => m.type), ['addEventListener', 'method', 'removeEventListener']);
  assert.equal(posted('method', 'iapCreateOneTimePurchaseOrder').length, 0, 'not the legacy path');
  assert.equal(r.amount, 3300);
  assert.equal(r.displayName, '광고 제거');
});

test('miniAppIconUrl null (or absent) resolves as null', async (t) => {
  const { iap } = await setup(t);
  app.onCheckout = (c) => c.pay({ result: (d) => ({ ...d, miniAppIconUrl: null }) });
  const r1 = await iap.buy('item_coin_100');
  assert.equal(r1.miniAppIconUrl, null);
  assert.deepEqual(r1, { ...app.resultFor(r1.orderId, 'item_coin_100'), miniAppIconUrl: null });

  app.onCheckout = (c) => c.pay({ result: ({ miniAppIconUrl, ...d }) => d });
  const r2 = await iap.buy('item_coin_100');
  assert.equal(r2.miniAppIconUrl, null);
  assert.notEqual(r2.orderId, r1.orderId);
});

test('non-default amounts, currencies and fractions come through unchanged', async (t) => {
  const { iap } = await setup(t);
  app.onCheckout = (c) => c.pay({ result: (d) => ({ ...d, amount: 4.99, currency: 'USD', fraction: 2, displayAmount: '$4.99', displayName: 'Coins "100" \\ 🎉' }) });
  const r = await iap.buy('item_coin_100');
  assert.deepEqual(r, {
    orderId: r.orderId, displayName: 'Coins "100" \\ 🎉', displayAmount: '$4.99', amount: 4.99,
    currency: 'USD', fraction: 2, miniAppIconUrl: 'https://static.toss.im/icons/app.png',
  });
});

test('the grant POST body is exactly {"orderId","sku"} as JSON, even for SKUs that need escaping', async (t) => {
  const { iap, server } = await setup(t);
  const odd = 'item_"q"\\é_한국어_🎉_<>&\'';
  app.products.push({ ...app.products[0], sku: odd, displayName: 'odd' });
  for (const sku of ['item_coin_100', odd]) {
    const r = await iap.buy(sku);
    const g = server.grants.at(-1);
    assert.equal(g.method, 'POST');
    assert.equal(g.path, '/api/grant');
    assert.equal(g.contentType, 'application/json');
    assert.equal(g.raw, JSON.stringify({ orderId: r.orderId, sku }));
    assert.deepEqual(g.body, { orderId: r.orderId, sku });
    assert.deepEqual(posted('addEventListener').at(-1).args, { sku });
  }
  assert.equal(server.grants.length, 2);
});

test('purchases in a row each get their own order, grant and report', async (t) => {
  const { iap, server } = await setup(t);
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push((await iap.buy('item_coin_100')).orderId);
  assert.equal(new Set(ids).size, 5);
  assert.deepEqual(server.grantedOrderIds(), ids);
  assert.deepEqual(grantReports().map((r) => r.orderId), ids);
  assert.equal(app.pendingOrders().length, 0);
  assert.equal(checkoutsOpened(), 5);
  assert.equal(posted('removeEventListener').length, 5);
  await idle(iap);
});

test('a repeated purchased event for one order grants it exactly once', async (t) => {
  const { iap, server } = await setup(t);
  app.onCheckout = (c) => c.pay({ repeatPurchased: 3 });
  const r = await iap.buy('item_coin_100');
  assert.deepEqual(r, app.resultFor(r.orderId, 'item_coin_100'));
  await idle(iap);
  assert.deepEqual(server.grantedOrderIds(), [r.orderId], 'one POST for three purchased events');
  // The SDK reports once per purchased event; every report says granted.
  const reports = grantReports(r.orderId);
  assert.equal(reports.length, 3);
  assert.ok(reports.every((x) => x.isProductGranted === true));
  assert.equal(app.orders.get(r.orderId).status, 'COMPLETED');
});

test('a double tap: the second buy rejects PURCHASE_IN_PROGRESS and only one checkout is posted', async (t) => {
  const { iap, server } = await setup(t);
  const checkouts = holdCheckouts();
  const first = iap.buy('item_coin_100');
  const second = iap.buy('item_coin_100');
  const e = await rejection(second);
  assert.ok(e instanceof Error);
  assert.equal(e.code, 'PURCHASE_IN_PROGRESS');
  assert.equal(e.orderId, undefined);
  const c = await checkouts.next();
  assert.equal(posted('addEventListener').length, 1);
  assert.equal(iap.stats().inFlight, 1);
  c.pay();
  const r = await first;
  assert.deepEqual(server.grantedOrderIds(), [r.orderId]);
  assert.equal(posted('addEventListener').length, 1);
  await idle(iap);
  // once settled, the next tap works
  app.onCheckout = (x) => x.pay();
  const r2 = await iap.buy('item_coin_100');
  assert.notEqual(r2.orderId, r.orderId);
  assert.equal(posted('addEventListener').length, 2);
});

test('five taps at once: one checkout, four PURCHASE_IN_PROGRESS', async (t) => {
  const { iap } = await setup(t);
  const taps = Array.from({ length: 5 }, () => iap.buy('item_coin_100'));
  const settled = await Promise.allSettled(taps);
  assert.equal(settled[0].status, 'fulfilled');
  assert.deepEqual(settled.slice(1).map((s) => s.reason?.code), Array(4).fill('PURCHASE_IN_PROGRESS'));
  assert.equal(posted('addEventListener').length, 1);
  await idle(iap);
});

test('stats() counts the purchase in flight while the checkout is open', async (t) => {
  const { iap } = await setup(t);
  const checkouts = holdCheckouts();
  assert.deepEqual(iap.stats(), { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 });
  const p = iap.buy('item_coin_100');
  const c = await checkouts.next();
  const s = iap.stats();
  assert.equal(s.inFlight, 1);
  assert.ok(s.liveCallbacks > 0, `liveCallbacks ${s.liveCallbacks}`);
  assert.equal(app.listenerCount(), 2, 'the SDK listens for onEvent and onError');
  c.pay();
  await p;
  await eventually(() => iap.stats().inFlight === 0);
  assert.deepEqual(await idle(iap), { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 });
});
