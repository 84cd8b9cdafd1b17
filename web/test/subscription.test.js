// subscription.test.js — subscribe() and subscriptionInfo() through the real
// SDK, the simulated Toss app and a real grant server on loopback.
import { test, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  app, rejection, resetApp, posted, within, setup, sleep, eventually, holdCheckouts,
  assertIdle, assertNoReleasedCalls, testNeeding,
} from './harness.js';

// getSubscriptionInfo came with SDK 2.4.5: on older releases every
// subscriptionInfo() test asserts SDK_UNAVAILABLE instead.
const infoTest = testNeeding('getSubscriptionInfo', (iap) => iap.subscriptionInfo('ord-x'));

// Subscriptions need android 5.248.0 / ios 5.249.0.
const SUPPORTED = '5.250.0';
beforeEach(() => resetApp({ version: SUPPORTED }));

// How soon a cancelled call must settle: generous, as the machine may be
// busy; what it tells apart is never, or a grant that takes 2.5 s.
const PROMPT_MS = 1000;

after(assertNoReleasedCalls);

const SUB = 'sub_premium_monthly';
const expectedResult = (orderId) => ({
  orderId, displayName: '프리미엄 월간', displayAmount: '4,900원', amount: 4900, currency: 'KRW', fraction: 0,
  miniAppIconUrl: 'https://static.toss.im/icons/app.png',
});

/** The messages as [type, functionName, args] (eventIds vary). */
const trace = () => app.messages.map((m) => [m.type, m.functionName, m.args]);

// --------------------------------------------------------------- subscribe

test('subscribe(sku, {offerId}): success; the app gets the offerId, the partner gets subscriptionId, the order is completed', async (t) => {
  const { iap, server } = await setup(t);
  const r = await iap.subscribe(SUB, { offerId: 'offer_new_50' });
  assert.match(r.orderId, /^ord-/);
  assert.deepEqual(r, expectedResult(r.orderId));
  const order = app.orders.get(r.orderId);
  assert.match(order.subscriptionId, /^sub-\d+$/);
  // The grant POST carries subscriptionId, after orderId and sku.
  assert.deepEqual(server.grants.map((g) => [g.method, g.contentType, g.raw]), [
    ['POST', 'application/json', `{"orderId":"${r.orderId}","sku":"${SUB}","subscriptionId":"${order.subscriptionId}"}`],
  ]);
  // Checkout with the offer, grant report true, then the SDK's cleanup.
  assert.deepEqual(trace(), [
    ['addEventListener', 'requestSubscriptionPurchase', { sku: SUB, offerId: 'offer_new_50' }],
    ['method', 'processProductGrant', [{ orderId: r.orderId, isProductGranted: true }]],
    ['removeEventListener', 'requestSubscriptionPurchase', undefined],
  ]);
  assert.equal(order.status, 'COMPLETED');
  assert.equal(order.reports, 1);
  assertIdle(iap);
});

for (const [what, opts] of [['no options', undefined], ['{}', {}], ['offerId undefined', { offerId: undefined }], ['offerId null', { offerId: null }]]) {
  test(`subscribe(sku${opts === undefined ? '' : `, ${what}`}) posts offerId: null`, async (t) => {
    const { iap, server } = await setup(t);
    const r = await iap.subscribe(SUB, opts);
    assert.deepEqual(posted('addEventListener').map((m) => m.args), [{ sku: SUB, offerId: null }]);
    assert.ok('offerId' in posted('addEventListener')[0].args);
    assert.equal(server.grants.length, 1);
    assert.equal(server.grants[0].body.subscriptionId, app.orders.get(r.orderId).subscriptionId);
  });
}

test('subscribe(): each offer id reaches the app as given', async (t) => {
  const { iap } = await setup(t);
  for (const offerId of ['offer_trial_7d', 'offer_back_30']) await iap.subscribe(SUB, { offerId });
  assert.deepEqual(posted('addEventListener').map((m) => m.args.offerId), ['offer_trial_7d', 'offer_back_30']);
});

test('subscribe(): the partner denies → PRODUCT_NOT_GRANTED_BY_PARTNER with the orderId; the order stays pending', async (t) => {
  const { iap, server } = await setup(t);
  server.state.mode = 'deny';
  const e = await rejection(iap.subscribe(SUB, { offerId: 'offer_trial_7d' }));
  assert.equal(e.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER');
  assert.match(e.orderId, /^ord-/);
  assert.equal(app.orders.get(e.orderId).status, 'PENDING');
  assert.deepEqual(posted('method', 'processProductGrant').map((m) => m.args), [[{ orderId: e.orderId, isProductGranted: false }]]);
  assertIdle(iap);
});

test('subscribe(): USER_CANCELED, no order, no POST', async (t) => {
  const { iap, server } = await setup(t);
  app.onCheckout = (c) => c.cancel();
  const e = await rejection(iap.subscribe(SUB, { offerId: 'offer_new_50' }));
  assert.equal(e.code, 'USER_CANCELED');
  assert.equal(e.orderId, undefined);
  assert.equal(server.grants.length, 0);
  assert.equal(app.orders.size, 0);
  assert.deepEqual(trace().map(([type, fn]) => [type, fn]), [
    ['addEventListener', 'requestSubscriptionPurchase'], ['removeEventListener', 'requestSubscriptionPurchase'],
  ]);
  assertIdle(iap);
});

test('subscribe() while a buy() is in flight → PURCHASE_IN_PROGRESS, and no subscription checkout is posted', async (t) => {
  const { iap } = await setup(t);
  const checkouts = holdCheckouts();
  const buying = iap.buy('item_coin_100');
  const held = await checkouts.next();
  assert.equal(held.kind, 'one-time');
  const e = await rejection(iap.subscribe(SUB, { offerId: 'offer_new_50' }));
  assert.equal(e.code, 'PURCHASE_IN_PROGRESS');
  assert.deepEqual(posted('addEventListener').map((m) => m.functionName), ['requestOneTimePurchase']);
  await held.pay();
  const r = await buying;
  assert.equal(app.orders.get(r.orderId).status, 'COMPLETED');
  assertIdle(iap);
});

test('buy() or a second subscribe() while a subscribe() is in flight → PURCHASE_IN_PROGRESS', async (t) => {
  const { iap } = await setup(t);
  const checkouts = holdCheckouts();
  const subscribing = iap.subscribe(SUB);
  const held = await checkouts.next();
  assert.equal(held.kind, 'subscription');
  assert.equal((await rejection(iap.buy('item_coin_100'))).code, 'PURCHASE_IN_PROGRESS');
  assert.equal((await rejection(iap.subscribe(SUB, { offerId: 'offer_new_50' }))).code, 'PURCHASE_IN_PROGRESS');
  assert.equal(posted('addEventListener').length, 1);
  await held.pay();
  assert.deepEqual([...app.orders.keys()].length, 1);
  assert.deepEqual(await subscribing, expectedResult([...app.orders.keys()][0]));
  assertIdle(iap);
});

for (const [what, sku] of [['empty', ''], ['with a space', 'sub premium'], ['a number', 42], ['missing', undefined]]) {
  test(`subscribe() with a SKU ${what} → INVALID_SKU, nothing posted`, async (t) => {
    const { iap } = await setup(t);
    const e = await rejection(iap.subscribe(sku, { offerId: 'offer_new_50' }));
    assert.equal(e.code, 'INVALID_SKU');
    assert.deepEqual(app.messages, []);
  });
}

// [os, version below, version at the minimum]
const SUB_GATES = [
  ['android', '5.247.9', '5.248.0'],
  ['ios', '5.248.9', '5.249.0'], // ios needs one more than android
  ['ios', '5.240.0', '5.249.0'],
];

for (const [os, below, atMin] of SUB_GATES) {
  test(`subscribe() on ${os} ${below} → UNSUPPORTED_APP_VERSION, nothing posted`, async (t) => {
    const { iap, server } = await setup(t);
    resetApp({ os, version: below });
    const e = await within(rejection(iap.subscribe(SUB, { offerId: 'offer_new_50' })), 1000, 'subscribe');
    assert.equal(e.code, 'UNSUPPORTED_APP_VERSION');
    assert.match(e.message, /android 5\.248\.0 \/ ios 5\.249\.0/);
    assert.deepEqual(app.messages, []);
    assert.equal(server.grants.length, 0);
    assertIdle(iap);
    // Nothing is left holding the purchase slot.
    resetApp({ os, version: atMin });
    const r = await iap.subscribe(SUB);
    assert.deepEqual(r, expectedResult(r.orderId));
  });
}

test('subscribe(): aborted before it starts → ABORTED, nothing posted', async (t) => {
  const { iap } = await setup(t);
  const ac = new AbortController();
  ac.abort();
  const e = await rejection(iap.subscribe(SUB, { offerId: 'offer_new_50', signal: ac.signal }));
  assert.equal(e.code, 'ABORTED');
  assert.deepEqual(app.messages, []);
  assertIdle(iap);
});

test('subscribe(): aborted while the app never answers the checkout → ABORTED at once, the listener removed', async (t) => {
  const { iap, server } = await setup(t);
  app.onCheckout = () => {}; // the sheet stays open, nothing comes back
  const ac = new AbortController();
  const p = iap.subscribe(SUB, { offerId: 'offer_new_50', signal: ac.signal });
  await eventually(() => posted('addEventListener').length === 1, 1000, 'the checkout');
  assert.equal(app.listenerCount(), 2); // the SDK's onEvent and onError for this checkout
  assert.equal(iap.stats().inFlight, 1);
  const t0 = performance.now();
  ac.abort();
  const e = await within(rejection(p), PROMPT_MS, 'subscribe after abort');
  assert.ok(performance.now() - t0 < PROMPT_MS);
  assert.equal(e.code, 'ABORTED');
  assert.equal(e.orderId, undefined);
  assert.deepEqual(trace().map(([type, fn]) => [type, fn]), [
    ['addEventListener', 'requestSubscriptionPurchase'], ['removeEventListener', 'requestSubscriptionPurchase'],
  ]);
  assert.equal(server.grants.length, 0);
  assertIdle(iap); // an event bridge has a cleanup: no SDK leak here
});

test('subscribe(): aborted during the grant → ABORTED with the orderId at once; the grant still runs and is reported', async (t) => {
  const { iap, server } = await setup(t);
  server.state.delayMs = 2500;
  const ac = new AbortController();
  const p = iap.subscribe(SUB, { offerId: 'offer_new_50', signal: ac.signal });
  await eventually(() => server.grants.length === 1, 2000, 'the grant POST');
  const orderId = server.grants[0].body.orderId;
  const t0 = performance.now();
  ac.abort();
  const e = await within(rejection(p), PROMPT_MS, 'subscribe after abort');
  assert.ok(performance.now() - t0 < PROMPT_MS);
  assert.equal(e.code, 'ABORTED');
  assert.equal(e.orderId, orderId);
  await eventually(() => app.orders.get(orderId).status === 'COMPLETED', 6000, 'the grant report');
  assert.deepEqual(posted('method', 'processProductGrant').map((m) => m.args), [[{ orderId, isProductGranted: true }]]);
  await eventually(() => iap.stats().inFlight === 0, 1000, 'the grant to end');
  assertIdle(iap);
});

// -------------------------------------------------------- subscriptionInfo

infoTest('subscriptionInfo(orderId): exactly the six fields', async (t) => {
  const { iap } = await setup(t);
  const { orderId } = await iap.subscribe(SUB);
  app.messages.length = 0;
  assert.deepEqual(await iap.subscriptionInfo(orderId), {
    catalogId: 1001, status: 'ACTIVE', expiresAt: '2026-12-25T00:00:00', isAutoRenew: true, gracePeriodExpiresAt: null, isAccessible: true,
  });
  assert.deepEqual(trace(), [['method', 'getSubscriptionInfo', [{ params: { orderId } }]]]);
  assertIdle(iap);
});

infoTest('subscriptionInfo(): other states pass through; extra keys are dropped', async (t) => {
  const { iap } = await setup(t);
  app.methodHooks.getSubscriptionInfo = ([{ params }]) => ({
    subscription: {
      catalogId: 7, status: 'IN_GRACE_PERIOD', expiresAt: null, isAutoRenew: false,
      gracePeriodExpiresAt: '2026-01-08T00:00:00', isAccessible: false, store: 'SIM', orderId: params.orderId,
    },
  });
  assert.deepEqual(await iap.subscriptionInfo('ord-any'), {
    catalogId: 7, status: 'IN_GRACE_PERIOD', expiresAt: null, isAutoRenew: false, gracePeriodExpiresAt: '2026-01-08T00:00:00', isAccessible: false,
  });
});

infoTest('subscriptionInfo(): an unknown order → the app\'s code (INVALID_PRODUCT_ID)', async (t) => {
  const { iap } = await setup(t);
  app.addOrder('item_coin_100', { orderId: 'ord-one-time' }); // an order, but not a subscription
  for (const orderId of ['ord-nope', 'ord-one-time']) {
    const e = await rejection(iap.subscriptionInfo(orderId));
    assert.equal(e.code, 'INVALID_PRODUCT_ID');
    assert.match(e.message, /no such subscription/);
    assert.equal(e.orderId, orderId); // the order asked about
  }
  assertIdle(iap);
});

for (const [what, answer] of [
  ['null', null],
  ['{}', {}],
  ['{subscription: null}', { subscription: null }],
  ['a string catalogId', { subscription: { catalogId: '1001', status: 'ACTIVE', expiresAt: null, isAutoRenew: true, gracePeriodExpiresAt: null, isAccessible: true } }],
  ['no isAutoRenew', { subscription: { catalogId: 1, status: 'ACTIVE', expiresAt: null, gracePeriodExpiresAt: null, isAccessible: true } }],
  ['an empty status', { subscription: { catalogId: 1, status: '', expiresAt: null, isAutoRenew: true, gracePeriodExpiresAt: null, isAccessible: true } }],
  ['a numeric expiresAt', { subscription: { catalogId: 1, status: 'ACTIVE', expiresAt: 1767225600000, isAutoRenew: true, gracePeriodExpiresAt: null, isAccessible: true } }],
]) {
  infoTest(`subscriptionInfo(): the app answers ${what} → INVALID_RESPONSE`, async (t) => {
    const { iap } = await setup(t);
    app.methodHooks.getSubscriptionInfo = () => answer;
    const e = await rejection(iap.subscriptionInfo('ord-x'));
    assert.equal(e.code, 'INVALID_RESPONSE');
    assert.match(e.message, /getSubscriptionInfo answered malformed data/);
    assertIdle(iap);
  });
}

for (const [os, below] of [['android', '5.247.9'], ['ios', '5.248.9']]) {
  for (const belowMinimum of ['undefined', 'never']) {
    infoTest(`subscriptionInfo() on ${os} ${below} (app answers ${belowMinimum}) → UNSUPPORTED_APP_VERSION, nothing posted`, async (t) => {
      const { iap } = await setup(t);
      resetApp({ os, version: below });
      app.belowMinimum = belowMinimum;
      const e = await within(rejection(iap.subscriptionInfo('ord-x')), 1000, 'subscriptionInfo');
      assert.equal(e.code, 'UNSUPPORTED_APP_VERSION');
      assert.deepEqual(app.messages, []);
      assertIdle(iap);
    });
  }
}

infoTest('subscriptionInfo(): an app that answers undefined at a supported version → UNSUPPORTED_APP_VERSION', async (t) => {
  const { iap } = await setup(t);
  app.methodHooks.getSubscriptionInfo = () => undefined;
  const e = await rejection(iap.subscriptionInfo('ord-x'));
  assert.equal(e.code, 'UNSUPPORTED_APP_VERSION');
  assert.equal(posted('method', 'getSubscriptionInfo').length, 1);
  assertIdle(iap);
});

test('subscriptionInfo(): aborted before it starts → ABORTED, nothing posted', async (t) => {
  const { iap } = await setup(t);
  const ac = new AbortController();
  ac.abort();
  const e = await rejection(iap.subscriptionInfo('ord-x', { signal: ac.signal }));
  assert.equal(e.code, 'ABORTED');
  assert.deepEqual(app.messages, []);
});

infoTest('subscriptionInfo(): aborted while the app never answers → ABORTED at once; the SDK keeps its two listeners', async (t) => {
  const { iap } = await setup(t);
  const before = app.listenerCount();
  app.methodHooks.getSubscriptionInfo = () => new Promise(() => {});
  const ac = new AbortController();
  const p = iap.subscriptionInfo('ord-x', { signal: ac.signal });
  await sleep(20);
  const t0 = performance.now();
  ac.abort();
  const e = await within(rejection(p), PROMPT_MS, 'subscriptionInfo after abort');
  assert.ok(performance.now() - t0 < PROMPT_MS);
  assert.equal(e.code, 'ABORTED');
  // The SDK's createAsyncBridge listeners go only when the app answers:
  // its leak, two per unanswered call; Go holds nothing.
  assertIdle(iap, before + 2);
  const [msg] = posted('method', 'getSubscriptionInfo');
  app.emit(`getSubscriptionInfo/resolve/${msg.eventId}`, { subscription: null }); // late: dropped
  assert.equal(app.listenerCount(), before);
  assertIdle(iap);
});
