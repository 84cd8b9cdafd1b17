// errors.test.js — every way the app (through the real SDK) can fail a
// purchase, and what the page gets: an Error with a known .code, and
// .orderId whenever an order is known.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { SDK_CODES, AFTER_PAYMENT_CODES, appError } from '../sim/tossapp.js';
import { CODES } from '../goiap.js';
import {
  app, sdk, setup, resetApp, rejection, idle, posted, grantReports, holdCheckouts,
} from './harness.js';

beforeEach(() => resetApp());

test('the sim and the loader agree on the eleven SDK codes', () => {
  assert.equal(SDK_CODES.length, 11);
  assert.deepEqual(CODES.slice(0, 11), SDK_CODES);
  assert.deepEqual(CODES.slice(11), ['INVALID_SKU', 'PURCHASE_IN_PROGRESS', 'UNSUPPORTED_APP_VERSION', 'SDK_UNAVAILABLE', 'ABORTED', 'CLOSED', 'INVALID_RESPONSE', 'UNKNOWN']);
});

for (const code of SDK_CODES) {
  test(`checkout.fail(${code}) rejects with an Error whose .code is ${code}`, async (t) => {
    const { iap, server } = await setup(t);
    let failed;
    app.onCheckout = (c) => { failed = c.fail(code, { message: `msg for ${code}` }); };
    const e = await rejection(iap.buy('item_coin_100'));
    assert.ok(e instanceof Error, 'an Error');
    assert.equal(e.code, code);
    assert.match(e.message, new RegExp(`msg for ${code}`));
    const { orderId } = await failed;
    if (AFTER_PAYMENT_CODES.includes(code)) {
      assert.match(orderId, /^ord-/);
      assert.equal(e.orderId, orderId, 'the order id from userInfo');
      assert.deepEqual(app.pendingOrders().map((o) => o.orderId), [orderId]);
    } else {
      assert.equal(orderId, undefined);
      assert.equal(e.orderId, undefined);
      assert.equal('orderId' in e, false);
    }
    assert.equal(server.grants.length, 0, 'no grant without a purchased event');
    assert.equal(posted('addEventListener').length, 1);
    assert.equal(posted('removeEventListener').length, 1);
    assert.deepEqual(await idle(iap), { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 });
  });
}

test('any code carrying userInfo.orderId sets .orderId', async (t) => {
  const { iap } = await setup(t);
  for (const code of ['NETWORK_ERROR', 'INTERNAL_ERROR', 'PAYMENT_PENDING']) {
    let failed;
    app.onCheckout = (c) => { failed = c.fail(code, { afterPayment: true }); };
    const e = await rejection(iap.buy('item_coin_100'));
    const { orderId } = await failed;
    assert.equal(e.code, code);
    assert.equal(e.orderId, orderId);
    assert.match(e.orderId, /^ord-/);
  }
});

test('an error after the grant keeps the order id the flow learned', async (t) => {
  const { iap, server } = await setup(t);
  // The app answers the grant report with an error: the SDK hands it to onError.
  app.methodHooks.processProductGrant = () => { throw appError('INTERNAL_ERROR', 'report lost'); };
  const e = await rejection(iap.buy('item_coin_100'));
  assert.equal(e.code, 'INTERNAL_ERROR');
  assert.match(e.message, /report lost/);
  const [order] = app.pendingOrders();
  assert.equal(server.grants.length, 1);
  assert.equal(e.orderId, order.orderId);
  assert.equal(server.grants[0].body.orderId, order.orderId);
  app.dispose();
});

test('a plain-object error {code, message} without __isError keeps its code', async (t) => {
  const { iap } = await setup(t);
  app.onCheckout = (c) => c.emitError({ code: 'ITEM_ALREADY_OWNED', message: 'owned already' });
  const e = await rejection(iap.buy('item_remove_ads'));
  assert.ok(e instanceof Error);
  assert.equal(e.code, 'ITEM_ALREADY_OWNED');
  assert.match(e.message, /owned already/);
  assert.equal(e.orderId, undefined);

  app.onCheckout = (c) => c.emitError({ code: 'TOSS_SERVER_VERIFICATION_FAILED', userInfo: { orderId: 'ord-plain-1' } });
  const e2 = await rejection(iap.buy('item_remove_ads'));
  assert.equal(e2.code, 'TOSS_SERVER_VERIFICATION_FAILED');
  assert.equal(e2.orderId, 'ord-plain-1');
  await idle(iap);
});

test('string errors: a known code becomes that code, anything else UNKNOWN', async (t) => {
  const { iap } = await setup(t);
  app.onCheckout = (c) => c.emitError('USER_CANCELED');
  const e1 = await rejection(iap.buy('item_coin_100'));
  assert.ok(e1 instanceof Error);
  assert.equal(e1.code, 'USER_CANCELED');

  app.onCheckout = (c) => c.emitError('something odd');
  const e2 = await rejection(iap.buy('item_coin_100'));
  assert.ok(e2 instanceof Error);
  assert.equal(e2.code, 'UNKNOWN');
  assert.match(e2.message, /something odd/);
  await idle(iap);
});

for (const [name, payload] of [['undefined', undefined], ['null', null], ['a number', 42], ['an empty object', {}], ['an array', ['USER_CANCELED']]]) {
  test(`an error that is ${name} rejects UNKNOWN`, async (t) => {
    const { iap } = await setup(t);
    app.onCheckout = (c) => c.emitError(payload);
    const e = await rejection(iap.buy('item_coin_100'));
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'UNKNOWN');
    assert.equal(typeof e.message, 'string');
    assert.notEqual(e.message, '');
    assert.equal(e.orderId, undefined);
    assert.deepEqual(await idle(iap), { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 });
  });
}

test('an unknown code becomes UNKNOWN and keeps the raw code in the message', async (t) => {
  const { iap } = await setup(t);
  app.onCheckout = (c) => c.emitError(appError('BRAND_NEW_CODE', 'new in 2.11', 'ord-x-9'));
  const e = await rejection(iap.buy('item_coin_100'));
  assert.equal(e.code, 'UNKNOWN');
  assert.match(e.message, /BRAND_NEW_CODE/);
  assert.match(e.message, /new in 2\.11/);
  assert.equal(e.orderId, 'ord-x-9');
});

test('an error carrying a BigInt in userInfo keeps its code (no panic)', async (t) => {
  const { iap } = await setup(t);
  app.onCheckout = (c) => c.emitError({ ...appError('NETWORK_ERROR', 'big', 'ord-big-1'), userInfo: { orderId: 'ord-big-1', n: 5n } });
  const e = await rejection(iap.buy('item_coin_100'));
  assert.equal(e.code, 'NETWORK_ERROR');
  assert.equal(e.orderId, 'ord-big-1');
  assert.deepEqual(await idle(iap), { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 });
});

test('a non-string code (a number) is UNKNOWN', async (t) => {
  const { iap } = await setup(t);
  app.onCheckout = (c) => c.emitError({ code: 500, message: 'numeric' });
  const e = await rejection(iap.buy('item_coin_100'));
  assert.equal(e.code, 'UNKNOWN');
  assert.match(e.message, /numeric/);
});

test('a huge error message does not break the client', async (t) => {
  const { iap } = await setup(t);
  const big = 'x'.repeat(1 << 20);
  app.onCheckout = (c) => c.emitError(appError('NETWORK_ERROR', big));
  const e = await rejection(iap.buy('item_coin_100'));
  assert.equal(e.code, 'NETWORK_ERROR');
  assert.ok(e.message.length < 10_000, `message clipped, got ${e.message.length} chars`);
  assert.deepEqual(await idle(iap), { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 });
});

// Malformed success data after the grant answered true: the order is paid
// and granted, so buy() resolves, with the order id and incomplete: true.
for (const [name, mutate, withOrderId] of [
  ['missing orderId', ({ orderId, ...d }) => d, true],
  ['empty orderId', (d) => ({ ...d, orderId: '' }), true],
  ['amount as a string', (d) => ({ ...d, amount: '1100' }), true],
  ['amount NaN', (d) => ({ ...d, amount: NaN }), true], // JSON-less emit: the value arrives as NaN
  ['fraction 1.5', (d) => ({ ...d, fraction: 1.5 }), true],
  ['amount a BigInt', (d) => ({ ...d, amount: 1100n }), true], // once hung the purchase: syscall/js panics on BigInt
  ['currency missing', ({ currency, ...d }) => d, true],
  ['miniAppIconUrl a number', (d) => ({ ...d, miniAppIconUrl: 7 }), true],
  ['data null', () => null, true],
  ['data a string', () => 'ok', true],
]) {
  test(`malformed success data (${name}) after a granted order resolves with the order id`, async (t) => {
    const { iap, server } = await setup(t);
    let paid;
    app.onCheckout = (c) => { paid = c.pay({ result: mutate }); };
    const r = await iap.buy('item_coin_100');
    const { order } = await paid;
    assert.equal(server.grants.length, 1);
    if (withOrderId) assert.deepEqual(r, { orderId: order.orderId, incomplete: true });
    assert.deepEqual(await idle(iap), { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 });
  });
}

test('malformed success data for a refused grant rejects INVALID_RESPONSE with the order id', async (t) => {
  const { iap, server } = await setup(t);
  server.state.mode = 'deny';
  resetApp({ os: 'ios', version: '5.229.0' }); // the legacy path reports success whatever the grant said
  app.onCheckout = (c) => c.pay({ result: (d) => ({ ...d, amount: '1100' }) });
  const e = await rejection(iap.buy('item_coin_100'));
  assert.equal(e.code, 'INVALID_RESPONSE');
  assert.match(e.message, /amount/);
  assert.equal(e.orderId, grantReports()[0]?.orderId ?? e.orderId);
  assert.match(e.orderId, /^ord-/);
});

test('a success event with no purchased event before it (no grant) is INVALID_RESPONSE', async (t) => {
  const { iap, server } = await setup(t);
  app.onCheckout = (c) => c.emitEvent({ type: 'success', data: app.resultFor('ord-never-granted', 'item_coin_100') });
  const e = await rejection(iap.buy('item_coin_100'));
  assert.equal(e.code, 'INVALID_RESPONSE');
  assert.equal(e.orderId, 'ord-never-granted');
  assert.equal(server.grants.length, 0);
  await idle(iap);
});

test('success data null with no order known rejects INVALID_RESPONSE without an order id', async (t) => {
  const { iap } = await setup(t);
  app.onCheckout = (c) => c.emitEvent({ type: 'success', data: null });
  const e = await rejection(iap.buy('item_coin_100'));
  assert.equal(e.code, 'INVALID_RESPONSE');
  assert.equal(e.orderId, undefined);
});

test('events other than success do not end the purchase', async (t) => {
  const { iap } = await setup(t);
  const checkouts = holdCheckouts();
  const p = iap.buy('item_coin_100');
  const c = await checkouts.next();
  c.emitEvent({ type: 'progress', data: {} });
  c.emitEvent({ type: 'SUCCESS', data: app.resultFor('ord-case', 'item_coin_100') });
  c.emitEvent({ data: {} });
  c.emitEvent('weird'); // (null would crash the SDK itself: it reads event.type)
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(iap.stats().inFlight, 1);
  c.pay();
  const r = await p;
  assert.deepEqual(r, app.resultFor(r.orderId, 'item_coin_100'));
});

test('an SDK without IAP rejects SDK_UNAVAILABLE and posts nothing', async (t) => {
  for (const fakeSdk of [{}, { isMinVersionSupported: sdk.isMinVersionSupported }, undefined, null, 'sdk', { IAP: {} }, { IAP: { createOneTimePurchaseOrder: 'no' }, isMinVersionSupported: sdk.isMinVersionSupported }]) {
    const { iap, server } = await setup(t, { sdk: fakeSdk });
    const e = await rejection(iap.buy('item_coin_100'));
    assert.ok(e instanceof Error);
    assert.equal(e.code, 'SDK_UNAVAILABLE', `sdk ${JSON.stringify(fakeSdk)}`);
    assert.equal(app.messages.length, 0);
    assert.equal(server.grants.length, 0);
    assert.deepEqual(iap.stats(), { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 });
  }
});

test('an SDK with IAP but no isMinVersionSupported rejects SDK_UNAVAILABLE', async (t) => {
  const { iap } = await setup(t, { sdk: { IAP: sdk.IAP } });
  const e = await rejection(iap.buy('item_coin_100'));
  assert.equal(e.code, 'SDK_UNAVAILABLE');
  assert.equal(app.messages.length, 0);
});

test('an app without its constants (isMinVersionSupported throws) rejects SDK_UNAVAILABLE', async (t) => {
  const { iap } = await setup(t);
  const saved = { ...app.constants };
  delete app.constants.getTossAppVersion;
  delete app.constants.getOperationalEnvironment;
  t.after(() => Object.assign(app.constants, saved));
  const e = await rejection(iap.buy('item_coin_100'));
  assert.equal(e.code, 'SDK_UNAVAILABLE');
  assert.match(e.message, /isMinVersionSupported/);
  assert.equal(app.messages.length, 0);
  const { inFlight, liveCallbacks } = iap.stats();
  assert.deepEqual({ inFlight, liveCallbacks }, { inFlight: 0, liveCallbacks: 0 });
  // (stats().panics counts this JS throw too: wasm.Catch counts every recover)
});

test('IAP.createOneTimePurchaseOrder that throws rejects SDK_UNAVAILABLE and frees the client', async (t) => {
  const throwing = { ...sdk, IAP: { createOneTimePurchaseOrder() { throw new TypeError('broken build'); } } };
  const { iap } = await setup(t, { sdk: throwing });
  const e = await rejection(iap.buy('item_coin_100'));
  assert.equal(e.code, 'SDK_UNAVAILABLE');
  assert.match(e.message, /broken build/);
  const e2 = await rejection(iap.buy('item_coin_100'));
  assert.equal(e2.code, 'SDK_UNAVAILABLE', 'not PURCHASE_IN_PROGRESS: the failed start released the slot');
  const { inFlight, liveCallbacks } = iap.stats();
  assert.deepEqual({ inFlight, liveCallbacks }, { inFlight: 0, liveCallbacks: 0 });
});
