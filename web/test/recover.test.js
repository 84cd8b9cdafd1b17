// recover.test.js — recover() through the real SDK, the simulated Toss app
// and a real grant server on loopback: pending orders are granted, then
// completed only when granted; failures stay pending; concurrent and
// repeated recoveries grant each order once; version gates; cancellation.
import { test, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  app, newClient, rejection, resetApp, posted, within, setup, sleep, eventually, startGrantServer,
  assertIdle, assertNoReleasedCalls,
} from './harness.js';

beforeEach(() => resetApp());

// How soon a cancelled call must settle: generous, as the machine may be
// busy; what it tells apart is never, or a grant deadline of 3 s.
const PROMPT_MS = 1000;

after(assertNoReleasedCalls);

/** The orderIds completeProductGrant was posted for, in order. */
const completed = () => posted('method', 'completeProductGrant').map((m) => {
  assert.deepEqual(Object.keys(m.args[0]), ['params']);
  return m.args[0].params.orderId;
});

const status = (orderId) => app.orders.get(orderId)?.status;

test('recover(): grants every pending order, completes the granted ones, leaves the denied one pending; again: only the failed one is retried', async (t) => {
  const { iap, server } = await setup(t);
  // Two pending orders the app already had, and one left by a purchase whose grant failed.
  app.addOrder('item_coin_100', { orderId: 'ord-r-1' });
  app.addOrder('item_remove_ads', { orderId: 'ord-r-2' });
  server.state.mode = 'deny';
  const e = await rejection(iap.buy('item_coin_100'));
  assert.equal(e.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER');
  const failedBuy = e.orderId;
  assert.match(failedBuy, /^ord-/);
  assert.equal(status(failedBuy), 'PENDING');
  app.addOrder('item_coin_100', { orderId: 'ord-r-3' });
  assert.equal(server.grants.length, 1);
  app.messages.length = 0;

  // The partner grants everything but ord-r-2.
  server.state.mode = (body) => (body.orderId === 'ord-r-2' ? 'deny' : 'ok');
  const first = await iap.recover();
  assert.deepEqual(first, {
    granted: ['ord-r-1', failedBuy, 'ord-r-3'],
    failed: [{ orderId: 'ord-r-2', code: 'PRODUCT_NOT_GRANTED_BY_PARTNER' }],
  });
  // One POST per pending order, with exactly {orderId, sku}.
  assert.deepEqual(server.grants.slice(1).map((g) => [g.method, g.path, g.contentType, g.raw]), [
    ['POST', '/api/grant', 'application/json', '{"orderId":"ord-r-1","sku":"item_coin_100"}'],
    ['POST', '/api/grant', 'application/json', '{"orderId":"ord-r-2","sku":"item_remove_ads"}'],
    ['POST', '/api/grant', 'application/json', `{"orderId":"${failedBuy}","sku":"item_coin_100"}`],
    ['POST', '/api/grant', 'application/json', '{"orderId":"ord-r-3","sku":"item_coin_100"}'],
  ]);
  // completeProductGrant once per granted order, never for the denied one.
  assert.deepEqual(completed(), ['ord-r-1', failedBuy, 'ord-r-3']);
  assert.deepEqual(posted('method').map((m) => m.functionName),
    ['getPendingOrders', 'completeProductGrant', 'completeProductGrant', 'completeProductGrant']);
  assert.deepEqual([status('ord-r-1'), status('ord-r-2'), status(failedBuy), status('ord-r-3')],
    ['COMPLETED', 'PENDING', 'COMPLETED', 'COMPLETED']);
  assert.deepEqual((await iap.pendingOrders()).map((o) => o.orderId), ['ord-r-2']);
  assertIdle(iap);

  // Second recovery, partner still denying ord-r-2: nothing granted, no POST
  // for the completed orders, the failed one asked again.
  const grantsBefore = server.grants.length;
  const second = await iap.recover();
  assert.deepEqual(second, { granted: [], failed: [{ orderId: 'ord-r-2', code: 'PRODUCT_NOT_GRANTED_BY_PARTNER' }] });
  assert.deepEqual(server.grants.slice(grantsBefore).map((g) => g.body), [{ orderId: 'ord-r-2', sku: 'item_remove_ads' }]);
  assert.deepEqual(completed(), ['ord-r-1', failedBuy, 'ord-r-3']);
  assert.equal(status('ord-r-2'), 'PENDING');

  // The partner fixes it: the third recovery grants and completes it.
  server.state.mode = 'ok';
  assert.deepEqual(await iap.recover(), { granted: ['ord-r-2'], failed: [] });
  assert.deepEqual(completed(), ['ord-r-1', failedBuy, 'ord-r-3', 'ord-r-2']);
  assert.equal(status('ord-r-2'), 'COMPLETED');
  assert.equal(server.grants.length, grantsBefore + 2);

  // Nothing left: a fourth grants nothing and posts nothing.
  assert.deepEqual(await iap.recover(), { granted: [], failed: [] });
  assert.equal(server.grants.length, grantsBefore + 2);
  assertIdle(iap);
  assert.equal(iap.stats().dropped, 0);
});

test('recover(): every kind of failed grant is PRODUCT_NOT_GRANTED_BY_PARTNER and stays pending', async (t) => {
  const { iap, server } = await setup(t);
  const modes = { 'ord-m-500': 'error', 'ord-m-text': 'notjson', 'ord-m-truthy': 'truthy', 'ord-m-deny': 'deny', 'ord-m-ok': 'ok' };
  for (const orderId of Object.keys(modes)) app.addOrder('item_coin_100', { orderId });
  server.state.mode = (body) => modes[body.orderId];
  assert.deepEqual(await iap.recover(), {
    granted: ['ord-m-ok'],
    failed: ['ord-m-500', 'ord-m-text', 'ord-m-truthy', 'ord-m-deny'].map((orderId) => ({ orderId, code: 'PRODUCT_NOT_GRANTED_BY_PARTNER' })),
  });
  assert.deepEqual(completed(), ['ord-m-ok']);
  assert.deepEqual(app.pendingOrders().map((o) => o.orderId), ['ord-m-500', 'ord-m-text', 'ord-m-truthy', 'ord-m-deny']);
  assertIdle(iap);
});

test('recover(): an unreachable grant server fails every order, and no order is completed', async (t) => {
  const { iap, server } = await setup(t);
  app.addOrder('item_coin_100', { orderId: 'ord-u-1' });
  await server.close(); // closing twice at the end is harmless
  assert.deepEqual(await iap.recover(), { granted: [], failed: [{ orderId: 'ord-u-1', code: 'PRODUCT_NOT_GRANTED_BY_PARTNER' }] });
  assert.deepEqual(completed(), []);
});

test('recover(): a grant that outlives grantTimeoutMs fails the order, which stays pending', async (t) => {
  const { iap, server } = await setup(t, { grantTimeoutMs: 1000 });
  app.addOrder('item_coin_100', { orderId: 'ord-h-1' });
  app.addOrder('item_coin_100', { orderId: 'ord-h-2' });
  server.state.mode = (body) => (body.orderId === 'ord-h-1' ? 'hang' : 'ok');
  const t0 = performance.now();
  assert.deepEqual(await iap.recover(), { granted: ['ord-h-2'], failed: [{ orderId: 'ord-h-1', code: 'PRODUCT_NOT_GRANTED_BY_PARTNER' }] });
  assert.ok(performance.now() - t0 < 1000 + PROMPT_MS); // one deadline, not more
  assert.equal(status('ord-h-1'), 'PENDING');
  assertIdle(iap);
});

test('recover(): no pending orders → {granted: [], failed: []} and no POST', async (t) => {
  const { iap, server } = await setup(t);
  assert.deepEqual(await iap.recover(), { granted: [], failed: [] });
  assert.equal(server.grants.length, 0);
  assert.deepEqual(posted('method').map((m) => m.functionName), ['getPendingOrders']);
});

test('two recover() at once: the grant endpoint sees each order once, both get the same result', async (t) => {
  const { iap, server } = await setup(t);
  for (const orderId of ['ord-c-1', 'ord-c-2', 'ord-c-3']) app.addOrder('item_coin_100', { orderId });
  server.state.delayMs = 100; // so the two overlap for the whole run
  const [a, b] = await Promise.all([iap.recover(), iap.recover()]);
  const want = { granted: ['ord-c-1', 'ord-c-2', 'ord-c-3'], failed: [] };
  assert.deepEqual(a, want);
  assert.deepEqual(b, want);
  assert.deepEqual(server.grantedOrderIds(), ['ord-c-1', 'ord-c-2', 'ord-c-3']);
  assert.deepEqual(completed(), ['ord-c-1', 'ord-c-2', 'ord-c-3']);
  assert.equal(posted('method', 'getPendingOrders').length, 1);
  assertIdle(iap);
});

test('two clients recovering at once each complete only what they granted (the partner must be idempotent)', async (t) => {
  const { iap, server } = await setup(t);
  const other = await newClient({ grantURL: server.url });
  t.after(() => other.close());
  app.addOrder('item_coin_100', { orderId: 'ord-2c-1' });
  server.state.delayMs = 500; // both list the order before either completes it
  const [a, b] = await Promise.all([iap.recover(), other.recover()]);
  // Independent clients do not share a lock: both POST (hence grant by
  // orderId idempotently on the server), and the second complete fails in
  // the app or succeeds: either way the order ends COMPLETED, granted once
  // by an idempotent partner.
  assert.deepEqual(server.grantedOrderIds(), ['ord-2c-1', 'ord-2c-1']);
  assert.deepEqual(a.granted.concat(b.granted).sort(), ['ord-2c-1', 'ord-2c-1']);
  assert.equal(status('ord-2c-1'), 'COMPLETED');
});

test('recover() leaves alone an order whose grant a purchase of this client is running', async (t) => {
  const { iap, server } = await setup(t);
  server.state.delayMs = 1500; // the purchase's grant runs while recover() looks
  const buying = iap.buy('item_coin_100');
  await eventually(() => server.grants.length === 1, 2000, 'the purchase\'s grant POST');
  const orderId = server.grants[0].body.orderId;
  assert.equal(status(orderId), 'PENDING'); // paid, grant running
  assert.deepEqual(await iap.recover(), { granted: [], failed: [{ orderId, code: 'PURCHASE_IN_PROGRESS' }] });
  assert.equal(server.grants.length, 1); // no second POST for it
  const r = await buying;
  assert.equal(r.orderId, orderId);
  assert.equal(status(orderId), 'COMPLETED');
  assert.deepEqual(completed(), []); // the purchase path reports the grant; it does not call completeProductGrant
  assertIdle(iap);
});

// ----------------------------------------------------------- version gates

// Recovery needs getPendingOrders (android 5.234.0 / ios 5.231.0) and
// completeProductGrant (5.233.0 on both).
const TOO_OLD = [
  ['android', '5.233.9', 'below both'],
  ['android', '5.233.5', 'below getPendingOrders only'],
  ['ios', '5.232.0', 'below completeProductGrant only'],
  ['ios', '5.230.0', 'below both'],
];

for (const [os, version, what] of TOO_OLD) {
  for (const belowMinimum of ['undefined', 'never']) {
    test(`recover() on ${os} ${version} (${what}; app answers ${belowMinimum}) → UNSUPPORTED_APP_VERSION, no POST, nothing posted`, async (t) => {
      const { iap, server } = await setup(t);
      resetApp({ os, version });
      app.belowMinimum = belowMinimum;
      app.addOrder('item_coin_100', { orderId: 'ord-v-1' });
      const e = await within(rejection(iap.recover()), 1000, 'recover()');
      assert.equal(e.code, 'UNSUPPORTED_APP_VERSION');
      assert.equal(e.orderId, undefined);
      assert.equal(server.grants.length, 0);
      assert.deepEqual(app.messages, []);
      assert.equal(status('ord-v-1'), 'PENDING');
      assertIdle(iap);
    });
  }
}

for (const [os, version] of [['android', '5.234.0'], ['ios', '5.233.0']]) {
  test(`recover() on ${os} ${version}, the lowest that has both, works`, async (t) => {
    const { iap, server } = await setup(t);
    resetApp({ os, version });
    app.addOrder('item_coin_100', { orderId: 'ord-v-2' });
    assert.deepEqual(await iap.recover(), { granted: ['ord-v-2'], failed: [] });
    assert.equal(server.grants.length, 1);
  });
}

test('recover(): an app that answers getPendingOrders with undefined anyway → UNSUPPORTED_APP_VERSION, no POST', async (t) => {
  const { iap, server } = await setup(t);
  resetApp({ version: '5.260.0' });
  app.addOrder('item_coin_100', { orderId: 'ord-v-3' });
  app.methodHooks.getPendingOrders = () => undefined;
  const e = await rejection(iap.recover());
  assert.equal(e.code, 'UNSUPPORTED_APP_VERSION');
  assert.equal(server.grants.length, 0);
  assertIdle(iap);
});

test('recover(): an app that answers completeProductGrant with undefined anyway: granted at the partner, reported failed, still pending', async (t) => {
  const { iap, server } = await setup(t);
  resetApp({ version: '5.260.0' });
  app.addOrder('item_coin_100', { orderId: 'ord-v-4' });
  app.methodHooks.completeProductGrant = () => undefined;
  assert.deepEqual(await iap.recover(), { granted: [], failed: [{ orderId: 'ord-v-4', code: 'UNSUPPORTED_APP_VERSION' }] });
  assert.deepEqual(server.grantedOrderIds(), ['ord-v-4']);
  assert.equal(status('ord-v-4'), 'PENDING');
  assertIdle(iap);
});

test('recover(): an app that refuses completeProductGrant (false) or fails it: reported with its code, still pending', async (t) => {
  const { iap } = await setup(t);
  app.addOrder('item_coin_100', { orderId: 'ord-f-1' });
  app.addOrder('item_coin_100', { orderId: 'ord-f-2' });
  app.methodHooks.completeProductGrant = ([{ params }]) => {
    if (params.orderId === 'ord-f-1') return false;
    throw { name: 'Error', message: 'down', code: 'NETWORK_ERROR', userInfo: {}, __isError: true };
  };
  assert.deepEqual(await iap.recover(), {
    granted: [], failed: [{ orderId: 'ord-f-1', code: 'INTERNAL_ERROR' }, { orderId: 'ord-f-2', code: 'NETWORK_ERROR' }],
  });
  assert.deepEqual(app.pendingOrders().map((o) => o.orderId), ['ord-f-1', 'ord-f-2']);
});

test('recover(): malformed pending orders → INVALID_RESPONSE and no POST', async (t) => {
  const { iap, server } = await setup(t);
  app.methodHooks.getPendingOrders = () => ({ orders: [{ orderId: 'ok-1', sku: 'item_coin_100', paymentCompletedDate: 'd' }, { sku: 'item_coin_100' }] });
  const e = await rejection(iap.recover());
  assert.equal(e.code, 'INVALID_RESPONSE');
  assert.equal(server.grants.length, 0);
});

// ------------------------------------------------------------ cancellation

test('recover(): aborted before it starts → ABORTED, nothing posted, no POST', async (t) => {
  const { iap, server } = await setup(t);
  app.addOrder('item_coin_100');
  const ac = new AbortController();
  ac.abort();
  const e = await rejection(iap.recover({ signal: ac.signal }));
  assert.equal(e.code, 'ABORTED');
  assert.deepEqual(app.messages, []);
  assert.equal(server.grants.length, 0);
  assertIdle(iap);
});

test('recover(): aborted while getPendingOrders is never answered → ABORTED at once, no POST; the SDK keeps its two listeners', async (t) => {
  const { iap, server } = await setup(t);
  resetApp({ version: '5.260.0' });
  const before = app.listenerCount();
  app.addOrder('item_coin_100');
  app.methodHooks.getPendingOrders = () => new Promise(() => {});
  const ac = new AbortController();
  const p = iap.recover({ signal: ac.signal });
  await sleep(20);
  const t0 = performance.now();
  ac.abort();
  const e = await within(rejection(p), PROMPT_MS, 'recover after abort');
  assert.ok(performance.now() - t0 < PROMPT_MS);
  assert.equal(e.code, 'ABORTED');
  assert.equal(server.grants.length, 0);
  assertIdle(iap, before + 2);
  // The SDK's resolve/reject listeners for the unanswered getPendingOrders
  // stay until the app answers: its leak, which the page cannot undo.
  const [msg] = posted('method', 'getPendingOrders');
  app.emit(`getPendingOrders/resolve/${msg.eventId}`, { orders: [] }); // the app answers at last
  assert.equal(app.listenerCount(), before);
});

test('recover(): aborted while completeProductGrant is never answered → ABORTED at once; the order stays pending', async (t) => {
  const { iap, server } = await setup(t);
  resetApp({ version: '5.260.0' });
  app.addOrder('item_coin_100', { orderId: 'ord-a-1' });
  app.addOrder('item_coin_100', { orderId: 'ord-a-2' });
  app.methodHooks.completeProductGrant = () => new Promise(() => {});
  const ac = new AbortController();
  const p = iap.recover({ signal: ac.signal });
  await eventually(() => posted('method', 'completeProductGrant').length === 1, 2000, 'completeProductGrant posted');
  const t0 = performance.now();
  ac.abort();
  const e = await within(rejection(p), PROMPT_MS, 'recover after abort');
  assert.ok(performance.now() - t0 < PROMPT_MS);
  assert.equal(e.code, 'ABORTED');
  assert.deepEqual(server.grantedOrderIds(), ['ord-a-1']); // it stopped there: no POST for ord-a-2
  assert.deepEqual(completed(), ['ord-a-1']);
  assert.deepEqual(app.pendingOrders().map((o) => o.orderId), ['ord-a-1', 'ord-a-2']);
  assertIdle(iap, 2); // the SDK's two listeners for the unanswered completeProductGrant
  // The next recovery (the app answering again) finishes both, and does not
  // ask the partner again for ord-a-1, which this client saw granted.
  const [msg] = posted('method', 'completeProductGrant');
  app.emit(`completeProductGrant/resolve/${msg.eventId}`, true);
  assert.equal(app.listenerCount(), 0);
  delete app.methodHooks.completeProductGrant;
  assert.deepEqual(await iap.recover(), { granted: ['ord-a-1', 'ord-a-2'], failed: [] });
  assert.deepEqual(server.grantedOrderIds(), ['ord-a-1', 'ord-a-2']);
  assert.deepEqual(completed(), ['ord-a-1', 'ord-a-1', 'ord-a-2']);
});

test('recover(): aborted while the grant server hangs → ABORTED at once; the grant runs to its deadline, the order stays pending', async (t) => {
  const { iap, server } = await setup(t, { grantTimeoutMs: 3000 });
  app.addOrder('item_coin_100', { orderId: 'ord-g-1' });
  app.addOrder('item_coin_100', { orderId: 'ord-g-2' });
  server.state.mode = 'hang';
  const ac = new AbortController();
  const p = iap.recover({ signal: ac.signal });
  await eventually(() => server.grants.length === 1, 2000, 'the first grant POST');
  const t0 = performance.now();
  ac.abort();
  const e = await within(rejection(p), PROMPT_MS, 'recover after abort');
  assert.ok(performance.now() - t0 < PROMPT_MS, 'settles at once, not at the grant deadline');
  assert.equal(e.code, 'ABORTED');
  assert.equal(iap.stats().inFlight, 1); // the grant still runs, and is counted
  await eventually(() => iap.stats().inFlight === 0, 6000, 'the grant deadline');
  assert.deepEqual(server.grantedOrderIds(), ['ord-g-1']);
  assert.deepEqual(completed(), []);
  assert.deepEqual(app.pendingOrders().map((o) => o.orderId), ['ord-g-1', 'ord-g-2']);
  assertIdle(iap);
});

test('recover(): when the recovery it joined is aborted by its caller, a second recover() runs its own', async (t) => {
  const { iap, server } = await setup(t);
  app.addOrder('item_coin_100', { orderId: 'ord-j-1' });
  let answer;
  app.methodHooks.getPendingOrders = () => new Promise((r) => { answer = r; });
  const ac = new AbortController();
  const first = iap.recover({ signal: ac.signal });
  await sleep(20);
  const second = iap.recover(); // joins the first
  await sleep(20);
  delete app.methodHooks.getPendingOrders;
  ac.abort();
  assert.equal((await rejection(first)).code, 'ABORTED');
  assert.deepEqual(await within(second, 2000, 'the second recovery'), { granted: ['ord-j-1'], failed: [] });
  assert.deepEqual(server.grantedOrderIds(), ['ord-j-1']);
  answer({ orders: [] }); // the first getPendingOrders, answered late: dropped
  await sleep(10);
  assertIdle(iap);
});

test('recover(): a recovery in flight when the client closes rejects with CLOSED, not ABORTED', async (t) => {
  const server = await startGrantServer();
  const iap = await newClient({ grantURL: server.url });
  t.after(async () => { iap.close(); await server.close(); });
  app.addOrder('item_coin_100');
  let answer;
  app.methodHooks.getPendingOrders = () => new Promise((r) => { answer = r; });
  const p = iap.recover();
  await sleep(20);
  const closing = iap.close();
  assert.equal((await within(rejection(p), 1000, 'recover after close')).code, 'CLOSED');
  await within(closing, 2000, 'close()');
  answer({ orders: [] });
  assert.equal(server.grants.length, 0);
});
