// grant.test.js — the partner grant endpoint, on a real loopback server:
// only a 2xx JSON answer with "granted": true grants; anything else rejects
// PRODUCT_NOT_GRANTED_BY_PARTNER, leaves the order pending in the app, and
// the app hears exactly one report, isProductGranted:false.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  app, setup, newClient, resetApp, rejection, idle, eventually, grantReports, unreachableURL, within, startGrantServer,
} from './harness.js';

beforeEach(() => resetApp());

/** Runs one purchase that the grant refuses and checks what everyone saw. */
async function refused(iap, server, { sku = 'item_coin_100', posts = 1, dropped = 0, panics = 0 } = {}) {
  let paid;
  app.onCheckout = (c) => { paid = c.pay(); };
  const e = await rejection(iap.buy(sku));
  assert.ok(e instanceof Error);
  assert.equal(e.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER');
  const { order, granted } = await paid;
  assert.equal(granted, false);
  assert.equal(e.orderId, order.orderId);
  assert.deepEqual(app.pendingOrders().map((o) => o.orderId), [order.orderId], 'the order stays pending in the app');
  assert.deepEqual(grantReports(), [{ orderId: order.orderId, isProductGranted: false }], 'exactly one report, not granted');
  if (server) {
    assert.equal(server.grants.length, posts);
    for (const g of server.grants) {
      assert.equal(g.method, 'POST');
      assert.equal(g.contentType, 'application/json');
      assert.equal(g.raw, JSON.stringify({ orderId: order.orderId, sku }));
    }
  }
  // dropped: a fetch given up on settles later into a dropped call;
  // panics: recovered Go panics of this client (a JS throw is an error, not one).
  await idle(iap);
  await eventually(() => iap.stats().dropped >= dropped, 1000).catch(() => {});
  assert.deepEqual(iap.stats(), { inFlight: 0, liveCallbacks: 0, dropped, panics });
  return e;
}

test('granted:true on a 200 grants', async (t) => {
  const { iap, server } = await setup(t);
  const r = await iap.buy('item_coin_100');
  assert.deepEqual(server.grants.map((g) => g.answered), ['ok']);
  assert.deepEqual(grantReports(), [{ orderId: r.orderId, isProductGranted: true }]);
  assert.deepEqual(app.pendingOrders(), []);
});

for (const [mode, what] of [
  ['error', 'a 500 (even with granted:true in its body)'],
  ['deny', 'granted:false'],
  ['truthy', "granted:'yes' (truthy, not true)"],
  ['notjson', 'a body that is not JSON'],
]) {
  test(`the grant endpoint answering ${what} is not granted`, async (t) => {
    const { iap, server } = await setup(t);
    server.state.mode = mode;
    await refused(iap, server);
    assert.deepEqual(server.grants.map((g) => g.answered), [mode]);
  });
}

test('other answers that are not granted:true: 201 granted:1, a JSON string, null, 204, 302', async (t) => {
  // A fetch of our own (opts.fetch) answers each case without a server.
  const answers = [
    () => new Response(JSON.stringify({ granted: 1 }), { status: 200 }),
    () => new Response(JSON.stringify('granted'), { status: 200 }),
    () => new Response('null', { status: 200 }),
    () => new Response(null, { status: 204 }),
    () => new Response(JSON.stringify({ granted: true }), { status: 302, headers: { location: '/x' } }),
    () => new Response(JSON.stringify({ granted: 'true' }), { status: 200 }),
    () => new Response(JSON.stringify([{ granted: true }]), { status: 200 }),
  ];
  let i = 0;
  const calls = [];
  const fetch = async (url, init) => { calls.push({ url, init }); return answers[i](); };
  const { iap } = await setup(t, { fetch, grantURL: 'https://partner.example/grant' });
  for (; i < answers.length; i++) {
    resetApp();
    await refused(iap, null);
  }
  assert.equal(calls.length, answers.length);
  assert.equal(calls[0].url, 'https://partner.example/grant');
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].init.headers['content-type'], 'application/json');
  assert.ok(calls[0].init.signal instanceof AbortSignal);
  assert.equal(calls[0].init.credentials, 'same-origin', 'the session cookie goes with the grant');
});

test('the grant server\'s refusals (401, 403, 404, 409, 503 with {"code"}) are not granted, the body stays {orderId, sku}', async (t) => {
  const refusals = [
    [401, 'UNAUTHENTICATED'], [403, 'FORBIDDEN'], [404, 'ORDER_NOT_FOUND'], [409, 'ORDER_NOT_PAID'], [503, 'UNAVAILABLE'],
  ];
  let i = 0;
  const bodies = [];
  const fetch = async (url, init) => {
    bodies.push(JSON.parse(init.body));
    const [status, code] = refusals[i];
    return new Response(JSON.stringify({ code, granted: true }), { status, headers: { 'retry-after': '1' } });
  };
  const { iap } = await setup(t, { fetch });
  for (; i < refusals.length; i++) {
    resetApp();
    await refused(iap, null);
  }
  for (const b of bodies) assert.deepEqual(Object.keys(b), ['orderId', 'sku']);
});

test('a 201 with granted:true grants (any 2xx)', async (t) => {
  const fetch = async () => new Response(JSON.stringify({ granted: true, extra: [1, 2] }), { status: 201 });
  const { iap } = await setup(t, { fetch });
  const r = await iap.buy('item_coin_100');
  assert.deepEqual(grantReports(), [{ orderId: r.orderId, isProductGranted: true }]);
});

test('a grant endpoint that hangs past grantTimeoutMs is not granted, and its request is aborted', async (t) => {
  const { iap, server } = await setup(t, { grantTimeoutMs: 150 });
  server.state.mode = 'hang';
  const t0 = Date.now();
  await refused(iap, server, { dropped: 1 }); // the aborted request settles after the grant gave up
  const took = Date.now() - t0;
  assert.ok(took >= 140 && took < 2000, `answered after ${took} ms`);
});

test('a slow grant within grantTimeoutMs still grants', async (t) => {
  const { iap, server } = await setup(t, { grantTimeoutMs: 1000 });
  server.state.delayMs = 100;
  const r = await iap.buy('item_coin_100');
  assert.deepEqual(grantReports(), [{ orderId: r.orderId, isProductGranted: true }]);
  assert.deepEqual(server.grants.map((g) => g.answered), ['ok']);
});

test('a grant that answers after grantTimeoutMs is not granted even though the server said yes', async (t) => {
  const { iap, server } = await setup(t, { grantTimeoutMs: 100 });
  server.state.delayMs = 300;
  await refused(iap, server, { dropped: 1 });
});

test('an unreachable grant endpoint is not granted', async (t) => {
  const { iap } = await setup(t, { grantURL: await unreachableURL() });
  await refused(iap, null);
});

test('a fetch that throws synchronously, or rejects with a non-Error, is not granted', async (t) => {
  // A JS exception is an error, not a panic: panics stays 0.
  for (const [fetch, expect] of [
    [() => { throw new TypeError('sync boom'); }, {}],
    [() => Promise.reject('a string'), {}], // eslint-disable-line prefer-promise-reject-errors
    [() => Promise.reject(undefined), {}], // eslint-disable-line prefer-promise-reject-errors
    [() => undefined, {}], // not a promise: no response at all
    [() => ({ status: 200 }), {}], // a response without json()
    [() => ({ status: 200, json: () => { throw new Error('json threw'); } }), {}],
    [() => ({ status: 200, json: () => Promise.resolve({ granted: true }) }), 'granted'], // a duck-typed response is fine
  ]) {
    const iap = await newClient({ fetch, grantTimeoutMs: 200 });
    resetApp();
    if (expect === 'granted') {
      const r = await iap.buy('item_coin_100');
      assert.deepEqual(grantReports(), [{ orderId: r.orderId, isProductGranted: true }]);
    } else {
      await refused(iap, null, expect);
    }
    await within(iap.close(), 2000, 'close()');
  }
});

test('a relative grantURL goes to the fetch as given (default /api/grant)', async (t) => {
  const urls = [];
  const fetch = async (url) => { urls.push(url); return new Response('{"granted":true}'); };
  const a = await newClient({ fetch });
  const b = await newClient({ fetch, grantURL: '/shop/grant?v=2' });
  t.after(() => Promise.all([a.close(), b.close()]));
  await a.buy('item_coin_100');
  await b.buy('item_coin_100');
  assert.deepEqual(urls, ['/api/grant', '/shop/grant?v=2']);
});

test('the grant is per client: two clients on two servers', async (t) => {
  const s2 = await startGrantServer();
  t.after(() => s2.close());
  const { iap: a, server: s1 } = await setup(t);
  const { iap: b } = await setup(t, { grantURL: s2.url });
  s2.state.mode = 'deny';
  const r = await a.buy('item_coin_100');
  const e = await rejection(b.buy('item_coin_100'));
  assert.equal(e.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER');
  assert.deepEqual(s1.grantedOrderIds(), [r.orderId]);
  assert.deepEqual(s2.grantedOrderIds(), [e.orderId]);
});

test('load() refuses a grantTimeoutMs that is not a positive number', async () => {
  for (const bad of [0, -1, NaN, Infinity, -Infinity, '150']) {
    const e = await rejection(newClient({ grantTimeoutMs: bad }));
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'UNKNOWN', `grantTimeoutMs ${bad}`);
    assert.match(e.message, /grantTimeoutMs/);
  }
  assert.equal(app.messages.length, 0);
});

test('a grant slower than the app waits: the app\'s PRODUCT_NOT_GRANTED_BY_PARTNER wins, the order stays pending', async (t) => {
  // Why grantTimeoutMs defaults below the app's 30 s: past it, the app gives up first.
  const { iap, server } = await setup(t, { grantTimeoutMs: 2000 });
  app.grantWaitMs = 80;
  server.state.delayMs = 250;
  let paid;
  app.onCheckout = (c) => { paid = c.pay(); };
  const e = await rejection(iap.buy('item_coin_100'));
  assert.equal(e.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER');
  const { order, granted } = await paid;
  assert.equal(granted, false);
  assert.equal(e.orderId, order.orderId);
  assert.equal(grantReports().length, 0, 'the app gave up before the grant answered');
  // The grant still finishes and is reported (late); the order stays pending for recovery.
  await eventually(() => grantReports().length === 1, 2000, 'the late report');
  assert.deepEqual(grantReports(), [{ orderId: order.orderId, isProductGranted: true }]);
  assert.deepEqual(server.grants.map((g) => g.answered), ['ok']);
  assert.deepEqual(app.pendingOrders().map((o) => o.orderId), [order.orderId]);
  assert.deepEqual(await idle(iap), { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 });
});
