// versions.test.js — the Toss app versions the SDK 2.10.8 gates on: too
// old to sell, the legacy path (which reports success whatever the grant
// said), the current path, and the sandbox, which passes every gate.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  app, setup, resetApp, rejection, idle, posted, grantReports, holdCheckouts, eventually,
} from './harness.js';

beforeEach(() => resetApp());

const isLegacy = () => posted('method', 'iapCreateOneTimePurchaseOrder').length > 0;

for (const [os, version] of [['ios', '5.218.9'], ['android', '5.218.0'], ['ios', '5.0.0'], ['android', '4.999.999']]) {
  test(`${os} ${version} (below 5.219.0) rejects UNSUPPORTED_APP_VERSION and posts nothing`, async (t) => {
    const { iap, server } = await setup(t);
    resetApp({ os, version });
    const e = await rejection(iap.buy('item_coin_100'));
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'UNSUPPORTED_APP_VERSION');
    assert.match(e.message, /5\.219\.0/);
    assert.equal(app.messages.length, 0, 'nothing posted: the SDK would have returned a no-op');
    assert.equal(server.grants.length, 0);
    assert.deepEqual(iap.stats(), { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 });
  });
}

for (const [os, version] of [['ios', '5.219.0'], ['android', '5.219.0'], ['ios', '5.229.0'], ['android', '5.231.0']]) {
  test(`legacy path on ${os} ${version}: iapCreateOneTimePurchaseOrder, grant ok → success`, async (t) => {
    const { iap, server } = await setup(t);
    resetApp({ os, version });
    const r = await iap.buy('item_coin_100');
    assert.deepEqual(r, app.resultFor(r.orderId, 'item_coin_100'));
    const legacy = posted('method', 'iapCreateOneTimePurchaseOrder');
    assert.equal(legacy.length, 1);
    assert.deepEqual(legacy[0].args, [{ productId: 'item_coin_100' }]);
    assert.equal(posted('addEventListener').length, 0, 'not the current path');
    assert.deepEqual(grantReports(), [], 'the legacy app takes no grant report');
    assert.equal(server.grants.length, 1);
    assert.equal(server.grants[0].raw, JSON.stringify({ orderId: r.orderId, sku: 'item_coin_100' }));
    assert.deepEqual(await idle(iap), { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 });
  });
}

for (const mode of ['deny', 'error', 'hang']) {
  test(`legacy path, grant ${mode}: PRODUCT_NOT_GRANTED_BY_PARTNER with the order id (the SDK itself said success)`, async (t) => {
    const { iap, server } = await setup(t, { grantTimeoutMs: 150 });
    resetApp({ os: 'android', version: '5.231.0' });
    server.state.mode = mode;
    let paid;
    app.onCheckout = (c) => { paid = c.pay(); };
    const e = await rejection(iap.buy('item_remove_ads'));
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER');
    const { order } = await paid;
    assert.equal(e.orderId, order.orderId);
    assert.ok(isLegacy());
    assert.deepEqual(server.grantedOrderIds(), [order.orderId]);
    await idle(iap);
  });
}

test('legacy path errors keep their codes (the app rejects the method)', async (t) => {
  const { iap } = await setup(t);
  resetApp({ os: 'ios', version: '5.229.0' });
  app.onCheckout = (c) => c.cancel();
  const e1 = await rejection(iap.buy('item_coin_100'));
  assert.equal(e1.code, 'USER_CANCELED');
  let failed;
  app.onCheckout = (c) => { failed = c.fail('TOSS_SERVER_VERIFICATION_FAILED'); };
  const e2 = await rejection(iap.buy('item_coin_100'));
  assert.equal(e2.code, 'TOSS_SERVER_VERIFICATION_FAILED');
  assert.equal(e2.orderId, (await failed).orderId);
  assert.equal(posted('method', 'iapCreateOneTimePurchaseOrder').length, 2);
  assert.deepEqual(await idle(iap), { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 });
});

test('legacy path, malformed result after a refused grant: INVALID_RESPONSE', async (t) => {
  const { iap, server } = await setup(t);
  server.state.mode = 'deny';
  resetApp({ os: 'ios', version: '5.229.0' });
  app.onCheckout = (c) => c.pay({ result: (d) => ({ ...d, fraction: 0.5 }) });
  const e = await rejection(iap.buy('item_coin_100'));
  assert.equal(e.code, 'INVALID_RESPONSE');
  assert.match(e.orderId, /^ord-/);
  await idle(iap);
});

test('legacy path, malformed result after a granted order: resolves with the order id', async (t) => {
  const { iap } = await setup(t);
  resetApp({ os: 'ios', version: '5.229.0' });
  app.onCheckout = (c) => c.pay({ result: (d) => ({ ...d, fraction: 0.5 }) });
  const r = await iap.buy('item_coin_100');
  assert.equal(r.incomplete, true);
  assert.match(r.orderId, /^ord-/);
  await idle(iap);
});

test('legacy path, abort while the checkout is open: the app pays later and the order is still granted', async (t) => {
  const { iap, server } = await setup(t);
  resetApp({ os: 'android', version: '5.231.0' });
  const checkouts = holdCheckouts();
  const ac = new AbortController();
  const p = iap.buy('item_coin_100', { signal: ac.signal });
  const c = await checkouts.next();
  ac.abort();
  const e = await rejection(p);
  assert.equal(e.code, 'ABORTED');
  // The legacy cleanup is a no-op: the app still answers, and a paid order must reach the grant.
  const { order } = await c.pay();
  await eventually(() => server.grants.length === 1, 2000, 'the grant POST');
  assert.equal(server.grants[0].body.orderId, order.orderId);
  assert.deepEqual(await idle(iap), { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 });
});

for (const [os, version] of [['ios', '5.230.0'], ['android', '5.231.1'], ['ios', '5.240.0'], ['android', '6.0.0']]) {
  test(`current path on ${os} ${version}: addEventListener, then a grant report`, async (t) => {
    const { iap, server } = await setup(t);
    resetApp({ os, version });
    const r = await iap.buy('item_coin_100');
    assert.equal(isLegacy(), false);
    assert.deepEqual(posted('addEventListener').map((m) => [m.functionName, m.args]), [['requestOneTimePurchase', { sku: 'item_coin_100' }]]);
    assert.deepEqual(grantReports(), [{ orderId: r.orderId, isProductGranted: true }]);
    assert.deepEqual(server.grantedOrderIds(), [r.orderId]);
  });
}

test('the boundary is per platform: android 5.230.0 is legacy, ios 5.230.0 is current', async (t) => {
  const { iap } = await setup(t);
  resetApp({ os: 'android', version: '5.230.0' });
  await iap.buy('item_coin_100');
  assert.equal(isLegacy(), true);
  resetApp({ os: 'ios', version: '5.230.0' });
  await iap.buy('item_coin_100');
  assert.equal(isLegacy(), false);
});

test('the app version is read at each purchase, not at load', async (t) => {
  const { iap } = await setup(t);
  resetApp({ version: '5.100.0' });
  assert.equal((await rejection(iap.buy('item_coin_100'))).code, 'UNSUPPORTED_APP_VERSION');
  resetApp({ version: '5.240.0' });
  const r = await iap.buy('item_coin_100');
  assert.match(r.orderId, /^ord-/);
});

for (const [os, version] of [['ios', '5.0.0'], ['android', '5.0.0'], ['ios', '1.0.0']]) {
  test(`sandbox at ${os} ${version} passes every gate: current path, success`, async (t) => {
    const { iap, server } = await setup(t);
    resetApp({ os, version, environment: 'sandbox' });
    const r = await iap.buy('item_coin_100');
    assert.deepEqual(r, app.resultFor(r.orderId, 'item_coin_100'));
    assert.equal(isLegacy(), false);
    assert.deepEqual(grantReports(), [{ orderId: r.orderId, isProductGranted: true }]);
    assert.deepEqual(server.grantedOrderIds(), [r.orderId]);
  });
}

test('sandbox with the grant refused still rejects PRODUCT_NOT_GRANTED_BY_PARTNER', async (t) => {
  const { iap, server } = await setup(t);
  resetApp({ version: '5.0.0', environment: 'sandbox' });
  server.state.mode = 'deny';
  const e = await rejection(iap.buy('item_coin_100'));
  assert.equal(e.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER');
  assert.deepEqual(app.pendingOrders().map((o) => o.orderId), [e.orderId]);
});
