// catalog.test.js — products(), pendingOrders() and orders() through the
// real SDK (@apps-in-toss/web-bridge) and the simulated Toss app: exact
// fields, malformed answers, version gates, and cancellation.
import { test, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  app, printed, newClient, rejection, resetApp, posted, within, setup, sleep,
} from './harness.js';

beforeEach(() => resetApp());

// How soon a cancelled call must settle: generous, as the machine may be
// busy; the alternative it tells apart is never.
const PROMPT_MS = 1000;

after(() => {
  // A late SDK callback must be dropped by Go's dispatcher, never sent to a
  // released js.Func (wasm_exec prints this when that happens).
  assert.deepEqual(printed.filter((l) => l.includes('call to released function')), []);
});

/** The event names the SDK still listens on, on the page's emitter. */
function liveEvents() {
  const events = app.win.__GRANITE_NATIVE_EMITTER?.events ?? {};
  return Object.entries(events).filter(([, cbs]) => cbs?.length).map(([name]) => name).sort();
}

/** stats() once the client holds nothing, and the app's listeners are gone. */
function assertIdle(iap, listeners = 0) {
  const { inFlight, liveCallbacks, panics } = iap.stats();
  assert.deepEqual({ inFlight, liveCallbacks, panics }, { inFlight: 0, liveCallbacks: 0, panics: 0 });
  assert.equal(app.listenerCount(), listeners);
}

const EXPECTED_PRODUCTS = [
  {
    sku: 'item_coin_100', type: 'CONSUMABLE', displayName: '코인 100개', displayAmount: '1,100원',
    iconUrl: 'https://static.toss.im/icons/coin.png', description: 'Coins for the game',
  },
  {
    sku: 'item_remove_ads', type: 'NON_CONSUMABLE', displayName: '광고 제거', displayAmount: '3,300원',
    iconUrl: 'https://static.toss.im/icons/no-ads.png', description: 'No more ads',
  },
  {
    sku: 'sub_premium_monthly', type: 'SUBSCRIPTION', displayName: '프리미엄 월간', displayAmount: '4,900원',
    iconUrl: 'https://static.toss.im/icons/premium.png', description: 'Premium, every month',
    renewalCycle: 'MONTHLY',
    offers: [
      { type: 'FREE_TRIAL', offerId: 'offer_trial_7d', period: 'P7D' }, // no displayAmount key at all
      { type: 'NEW_SUBSCRIPTION', offerId: 'offer_new_50', period: 'P1M', displayAmount: '2,450원' },
      { type: 'RETURNING', offerId: 'offer_back_30', period: 'P1M', displayAmount: '3,430원' },
    ],
  },
];

// ---------------------------------------------------------------- products

test('products(): the three kinds with exactly their fields; amount and other app keys are dropped', async (t) => {
  const { iap } = await setup(t);
  const products = await iap.products();
  assert.deepEqual(products, EXPECTED_PRODUCTS);
  // Only a subscription has renewalCycle and offers.
  assert.equal('renewalCycle' in products[0], false);
  assert.equal('offers' in products[1], false);
  assert.equal('displayAmount' in products[2].offers[0], false);
  // One method call, with no arguments.
  assert.deepEqual(app.messages.map(({ type, functionName, args }) => ({ type, functionName, args })),
    [{ type: 'method', functionName: 'iapGetProductItemList', args: [] }]);
  assertIdle(iap);
});

test('products(): weekly and yearly subscriptions, one without offers, missing optional fields', async (t) => {
  const { iap } = await setup(t);
  app.products = [
    { sku: 'sub_w', type: 'SUBSCRIPTION', displayName: 'W', displayAmount: '1,000원', renewalCycle: 'WEEKLY', extra: 1 },
    {
      sku: 'sub_y', type: 'SUBSCRIPTION', displayName: 'Y', displayAmount: '50,000원', iconUrl: 'https://x/y.png', description: 'yearly',
      renewalCycle: 'YEARLY', offers: [{ type: 'FREE_TRIAL', offerId: 'trial_1m', period: 'P1M', displayAmount: null }],
    },
    { sku: 'item_plain', type: 'CONSUMABLE', displayName: 'Plain', displayAmount: '100원' },
  ];
  assert.deepEqual(await iap.products(), [
    { sku: 'sub_w', type: 'SUBSCRIPTION', displayName: 'W', displayAmount: '1,000원', iconUrl: '', description: '', renewalCycle: 'WEEKLY', offers: [] },
    {
      sku: 'sub_y', type: 'SUBSCRIPTION', displayName: 'Y', displayAmount: '50,000원', iconUrl: 'https://x/y.png', description: 'yearly',
      renewalCycle: 'YEARLY', offers: [{ type: 'FREE_TRIAL', offerId: 'trial_1m', period: 'P1M' }],
    },
    { sku: 'item_plain', type: 'CONSUMABLE', displayName: 'Plain', displayAmount: '100원', iconUrl: '', description: '' },
  ]);
});

test('products(): an empty catalogue is []', async (t) => {
  const { iap } = await setup(t);
  app.products = [];
  assert.deepEqual(await iap.products(), []);
});

const BAD_PRODUCTS = [
  ['a product of an unknown type', (ps) => { ps[1].type = 'BUNDLE'; }, /products\[1\]\.type/],
  ['a product without sku', (ps) => { delete ps[0].sku; }, /products\[0\]\.sku/],
  ['a product with an empty sku', (ps) => { ps[2].sku = ''; }, /products\[2\]\.sku/],
  ['a product with a numeric sku', (ps) => { ps[0].sku = 100; }, /products\[0\]\.sku/],
  ['a product without type', (ps) => { delete ps[0].type; }, /products\[0\]\.type/],
  ['a product without displayAmount', (ps) => { delete ps[1].displayAmount; }, /products\[1\]\.displayAmount/],
  ['a product that is null', (ps) => { ps[1] = null; }, /products\[1\]/],
  ['an offer of an unknown type', (ps) => { ps[2].offers[1].type = 'HALF_PRICE'; }, /offers\[1\]\.type/],
  ['an offer without offerId', (ps) => { delete ps[2].offers[2].offerId; }, /offers\[2\]\.offerId/],
  ['offers that is not an array', (ps) => { ps[2].offers = { type: 'FREE_TRIAL' }; }, /offers/],
];

for (const [what, mutate, where] of BAD_PRODUCTS) {
  test(`products(): ${what} → INVALID_RESPONSE`, async (t) => {
    const { iap } = await setup(t);
    const ps = structuredClone(app.products);
    mutate(ps);
    app.products = ps;
    const e = await rejection(iap.products());
    assert.equal(e.code, 'INVALID_RESPONSE');
    assert.equal(e.name, 'IAPError');
    assert.match(e.message, where);
    assert.equal(e.orderId, undefined);
    assertIdle(iap);
  });
}

for (const [what, answer] of [
  ['null', null], ['a string', 'products'], ['{}', {}], ['{products: {}}', { products: {} }], ['{products: null}', { products: null }],
]) {
  test(`products(): the app answers ${what} → INVALID_RESPONSE`, async (t) => {
    const { iap } = await setup(t);
    app.methodHooks.iapGetProductItemList = () => answer;
    const e = await rejection(iap.products());
    assert.equal(e.code, 'INVALID_RESPONSE');
    assert.equal(posted('method', 'iapGetProductItemList').length, 1);
  });
}

test('products(): the app rejecting with an SDK error passes its code through', async (t) => {
  const { iap } = await setup(t);
  app.methodHooks.iapGetProductItemList = () => { throw { name: 'Error', message: 'offline', code: 'NETWORK_ERROR', userInfo: {}, __isError: true }; };
  const e = await rejection(iap.products());
  assert.equal(e.code, 'NETWORK_ERROR');
  assert.match(e.message, /offline/);
  assertIdle(iap);
});

// ----------------------------------------------------------- pendingOrders

test('pendingOrders(): exactly {orderId, sku, paymentCompletedDate}; the app\'s extra keys (store) are dropped', async (t) => {
  const { iap } = await setup(t);
  app.addOrder('item_coin_100', { orderId: 'ord-p-1', paymentCompletedDate: '2025-01-02T03:04:05' });
  app.addOrder('item_remove_ads', { orderId: 'ord-p-2', paymentCompletedDate: '2025-01-02T03:04:06' });
  app.addOrder('item_coin_100', { orderId: 'ord-p-3', status: 'COMPLETED' }); // not pending
  // The sim adds store:'SIM' to every order it lists: the client must not pass it on.
  const raw = [];
  app.methodHooks.getPendingOrders = () => {
    const answer = { orders: app.pendingOrders().map(({ orderId, sku, paymentCompletedDate }) => ({ orderId, sku, paymentCompletedDate, store: 'SIM', price: 1 })) };
    raw.push(answer);
    return answer;
  };
  const orders = await iap.pendingOrders();
  assert.deepEqual(orders, [
    { orderId: 'ord-p-1', sku: 'item_coin_100', paymentCompletedDate: '2025-01-02T03:04:05' },
    { orderId: 'ord-p-2', sku: 'item_remove_ads', paymentCompletedDate: '2025-01-02T03:04:06' },
  ]);
  assert.equal(raw[0].orders[0].store, 'SIM'); // the app did send it
  assert.deepEqual(app.messages.map(({ type, functionName, args }) => ({ type, functionName, args })),
    [{ type: 'method', functionName: 'getPendingOrders', args: [] }]);
  assertIdle(iap);
});

test('pendingOrders(): the sim\'s own answer (with store) decodes to the three fields', async (t) => {
  const { iap } = await setup(t);
  app.addOrder('item_coin_100', { orderId: 'ord-q-1', paymentCompletedDate: '2025-02-03T04:05:06' });
  assert.deepEqual(await iap.pendingOrders(), [{ orderId: 'ord-q-1', sku: 'item_coin_100', paymentCompletedDate: '2025-02-03T04:05:06' }]);
});

test('pendingOrders(): none pending is []', async (t) => {
  const { iap } = await setup(t);
  assert.deepEqual(await iap.pendingOrders(), []);
});

const BAD_PENDING = [
  ['null', null],
  ['{}', {}],
  ['orders that is a string', { orders: 'o1' }],
  ['an order without orderId', { orders: [{ orderId: 'o1', sku: 'a', paymentCompletedDate: 'd' }, { sku: 'b', paymentCompletedDate: 'd' }] }],
  ['an empty orderId', { orders: [{ orderId: '', sku: 'a', paymentCompletedDate: 'd' }] }],
  ['a numeric orderId', { orders: [{ orderId: 7, sku: 'a', paymentCompletedDate: 'd' }] }],
  ['an order without sku', { orders: [{ orderId: 'o1', paymentCompletedDate: 'd' }] }],
  ['a numeric paymentCompletedDate', { orders: [{ orderId: 'o1', sku: 'a', paymentCompletedDate: 1735689600000 }] }],
  ['an order that is null', { orders: [null] }],
];

for (const [what, answer] of BAD_PENDING) {
  test(`pendingOrders(): ${what} → INVALID_RESPONSE`, async (t) => {
    const { iap } = await setup(t);
    app.methodHooks.getPendingOrders = () => answer;
    const e = await rejection(iap.pendingOrders());
    assert.equal(e.code, 'INVALID_RESPONSE');
    assert.match(e.message, /getPendingOrders answered malformed data/);
    assertIdle(iap);
  });
}

// ------------------------------------------------------------------ orders

/** Orders in the app: PENDING ones are neither completed nor refunded. */
function seedOrders() {
  const seed = [
    ['o-1', 'item_coin_100', 'COMPLETED', '2025-03-01T10:00:00'],
    ['o-2', 'item_remove_ads', 'REFUNDED', '2025-03-02T10:00:00'],
    ['o-3', 'item_coin_100', 'PENDING', undefined],
    ['o-4', 'item_coin_100', 'COMPLETED', '2025-03-04T10:00:00'],
    ['o-5', 'item_coin_100', 'COMPLETED', '2025-03-05T10:00:00'],
    ['o-6', 'sub_premium_monthly', 'COMPLETED', '2025-03-06T10:00:00'],
  ];
  for (const [orderId, sku, status, date] of seed) app.addOrder(sku, { orderId, status, date });
  // Refunds after the purchase: edit the app's records.
  Object.assign(app.orders.get('o-5'), { status: 'REFUNDED', date: '2025-03-09T10:00:00' });
}

test('orders(): pages of 2 followed with key/nextKey until hasNext is false', async (t) => {
  const { iap } = await setup(t);
  seedOrders();
  const pages = [];
  let key;
  for (let guard = 0; guard < 10; guard++) {
    const page = await iap.orders({ key });
    pages.push(page);
    if (!page.hasNext) break;
    key = page.nextKey;
  }
  assert.deepEqual(pages, [
    {
      hasNext: true, nextKey: '2', orders: [
        { orderId: 'o-1', sku: 'item_coin_100', status: 'COMPLETED', date: '2025-03-01T10:00:00' },
        { orderId: 'o-2', sku: 'item_remove_ads', status: 'REFUNDED', date: '2025-03-02T10:00:00' },
      ],
    },
    {
      hasNext: true, nextKey: '4', orders: [
        { orderId: 'o-4', sku: 'item_coin_100', status: 'COMPLETED', date: '2025-03-04T10:00:00' },
        { orderId: 'o-5', sku: 'item_coin_100', status: 'REFUNDED', date: '2025-03-09T10:00:00' },
      ],
    },
    {
      hasNext: false, nextKey: null, orders: [
        { orderId: 'o-6', sku: 'sub_premium_monthly', status: 'COMPLETED', date: '2025-03-06T10:00:00' },
      ],
    },
  ]);
  // The first page is asked for with no argument, the next ones with {key}.
  assert.deepEqual(posted('method', 'getCompletedOrRefundedOrders').map((m) => m.args), [[], [{ key: '2' }], [{ key: '4' }]]);
  assertIdle(iap);
});

test('orders(): no finished orders is one empty last page', async (t) => {
  const { iap } = await setup(t);
  app.addOrder('item_coin_100'); // pending only
  assert.deepEqual(await iap.orders(), { hasNext: false, nextKey: null, orders: [] });
});

const BAD_PAGES = [
  ['null', null],
  ['a page without orders', { hasNext: false, nextKey: null }],
  ['orders that is an object', { hasNext: false, nextKey: null, orders: {} }],
  ['a PENDING order', { hasNext: false, nextKey: null, orders: [{ orderId: 'o1', sku: 'a', status: 'PENDING', date: 'd' }] }],
  ['an order without orderId', { hasNext: false, nextKey: null, orders: [{ sku: 'a', status: 'COMPLETED', date: 'd' }] }],
  ['an order without date', { hasNext: false, nextKey: null, orders: [{ orderId: 'o1', sku: 'a', status: 'REFUNDED' }] }],
  ['hasNext true without nextKey', { hasNext: true, nextKey: null, orders: [] }],
  ['hasNext that is a string', { hasNext: 'false', nextKey: null, orders: [] }],
  ['a numeric nextKey', { hasNext: true, nextKey: 2, orders: [] }],
];

for (const [what, answer] of BAD_PAGES) {
  test(`orders(): ${what} → INVALID_RESPONSE`, async (t) => {
    const { iap } = await setup(t);
    app.methodHooks.getCompletedOrRefundedOrders = () => answer;
    const e = await rejection(iap.orders());
    assert.equal(e.code, 'INVALID_RESPONSE');
    assert.match(e.message, /getCompletedOrRefundedOrders answered malformed data/);
    assertIdle(iap);
  });
}

test('orders(): a malformed second page fails that page only', async (t) => {
  const { iap } = await setup(t);
  seedOrders();
  const first = await iap.orders();
  assert.equal(first.nextKey, '2');
  app.methodHooks.getCompletedOrRefundedOrders = ([arg]) => ({ hasNext: false, nextKey: null, orders: [{ orderId: 'x', sku: 'a', status: 'LOST', date: arg.key }] });
  const e = await rejection(iap.orders({ key: first.nextKey }));
  assert.equal(e.code, 'INVALID_RESPONSE');
  assert.match(e.message, /orders\[0\]\.status/);
});

// ------------------------------------------------------ version gates etc.

const CALLS = {
  products: { method: 'iapGetProductItemList', run: (iap, o) => iap.products(o) },
  pendingOrders: { method: 'getPendingOrders', run: (iap, o) => iap.pendingOrders(o) },
  orders: { method: 'getCompletedOrRefundedOrders', run: (iap, o) => iap.orders(o) },
};

// [call, os, version below, version at the minimum]
const GATES = [
  ['products', 'android', '5.218.9', '5.219.0'],
  ['products', 'ios', '5.218.0', '5.219.0'],
  ['pendingOrders', 'android', '5.233.9', '5.234.0'], // android needs more than ios
  ['pendingOrders', 'ios', '5.230.9', '5.231.0'],
  ['orders', 'android', '5.230.0', '5.231.0'],
  ['orders', 'ios', '5.230.99', '5.231.0'],
];

for (const [name, os, below, atMin] of GATES) {
  for (const belowMinimum of ['undefined', 'never']) {
    test(`${name}() on ${os} ${below} (app answers ${belowMinimum} below minimum) → UNSUPPORTED_APP_VERSION, nothing posted`, async (t) => {
      const { iap } = await setup(t);
      resetApp({ os, version: below });
      app.belowMinimum = belowMinimum;
      const e = await within(rejection(CALLS[name].run(iap)), 1000, name);
      assert.equal(e.code, 'UNSUPPORTED_APP_VERSION');
      assert.match(e.message, new RegExp(`IAP\\.(getProductItemList|getPendingOrders|getCompletedOrRefundedOrders) needs Toss app`));
      assert.deepEqual(app.messages, []);
      assertIdle(iap);
    });
  }
  test(`${name}() on ${os} ${atMin}, exactly the minimum, is asked`, async (t) => {
    const { iap } = await setup(t);
    resetApp({ os, version: atMin });
    await CALLS[name].run(iap);
    assert.equal(posted('method', CALLS[name].method).length, 1);
  });
}

test('the sandbox app passes every gate whatever its version', async (t) => {
  const { iap } = await setup(t);
  resetApp({ version: '1.0.0', environment: 'sandbox', os: 'android' });
  assert.deepEqual(await iap.products(), EXPECTED_PRODUCTS);
  assert.deepEqual(await iap.pendingOrders(), []);
  assert.deepEqual(await iap.orders(), { hasNext: false, nextKey: null, orders: [] });
});

for (const [name, { method, run }] of Object.entries(CALLS)) {
  test(`${name}(): an app that answers undefined at a supported version → UNSUPPORTED_APP_VERSION`, async (t) => {
    const { iap } = await setup(t);
    resetApp({ version: '5.260.0' });
    app.methodHooks[method] = () => undefined;
    const e = await rejection(run(iap));
    assert.equal(e.code, 'UNSUPPORTED_APP_VERSION');
    assert.match(e.message, /answered .* with undefined/);
    assert.equal(posted('method', method).length, 1); // asked once, no retry
    assertIdle(iap);
  });

  test(`${name}(): aborted before it starts → ABORTED, nothing posted`, async (t) => {
    const { iap } = await setup(t);
    const ac = new AbortController();
    ac.abort();
    const e = await rejection(run(iap, { signal: ac.signal }));
    assert.equal(e.code, 'ABORTED');
    assert.deepEqual(app.messages, []);
    assertIdle(iap);
  });

  test(`${name}(): aborted while the app never answers → ABORTED at once; the SDK keeps its two listeners`, async (t) => {
    resetApp({ version: '5.260.0' });
    const iap = await newClient();
    t.after(() => iap.close()); // idempotent; for a failed assertion
    const before = app.listenerCount();
    app.methodHooks[method] = () => new Promise(() => {}); // never settles
    const ac = new AbortController();
    const p = run(iap, { signal: ac.signal });
    await sleep(20);
    const [msg] = posted('method', method);
    assert.ok(msg, `${method} posted`);
    assert.deepEqual(iap.stats().liveCallbacks, 1); // Go's await of the SDK promise
    const t0 = performance.now();
    ac.abort();
    const e = await within(rejection(p), PROMPT_MS, `${name} after abort`);
    assert.ok(performance.now() - t0 < PROMPT_MS);
    assert.equal(e.code, 'ABORTED');
    assert.equal(app.messages.length, 1);
    // Go holds nothing any more...
    assert.deepEqual(iap.stats(), { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 });
    // ...but the SDK does: createAsyncBridge removes its resolve/reject
    // listeners only when the app answers, and there is no way to cancel
    // it from the page. This is the SDK's leak (two listeners per call the
    // app never answers), not the client's.
    assert.equal(app.listenerCount(), before + 2);
    assert.deepEqual(liveEvents(), [`${method}/reject/${msg.eventId}`, `${method}/resolve/${msg.eventId}`]);
    // close() waits for the app's answer (see the next test), so that the
    // SDK's late settle never reaches a released Go function. For the next
    // tests, the app answers now, which is the only thing that frees them.
    const closing = iap.close();
    app.emit(`${method}/resolve/${msg.eventId}`, undefined);
    await within(closing, 2000, 'close()');
    assert.equal(app.listenerCount(), before);
  });
}

test('a late answer after abort and close is dropped, and frees the SDK\'s listeners', async (t) => {
  resetApp({ version: '5.260.0' });
  const before = app.listenerCount();
  const mark = printed.length;
  const iap = await newClient();
  t.after(() => iap.close());
  let answer;
  app.methodHooks.iapGetProductItemList = () => new Promise((r) => { answer = r; });
  const ac = new AbortController();
  const p = iap.products({ signal: ac.signal });
  await sleep(20);
  ac.abort();
  assert.equal((await rejection(p)).code, 'ABORTED');
  assert.equal(app.listenerCount(), before + 2);
  // close() does not wait for an app that may never answer.
  await within(iap.close(), 1000, 'close() with an unanswered call');
  assert.equal((await rejection(iap.products())).code, 'CLOSED');
  answer({ products: [] }); // the app finally answers: the SDK settles into Go
  await sleep(20);
  assert.equal(app.listenerCount(), before);
  assert.deepEqual(printed.slice(mark).filter((l) => /released function|panic|fatal/i.test(l)), []);
});

test('a call in flight when the client closes rejects with CLOSED', async (t) => {
  resetApp({ version: '5.260.0' });
  const iap = await newClient();
  t.after(() => iap.close());
  let answer;
  app.methodHooks.getPendingOrders = () => new Promise((r) => { answer = r; });
  const p = iap.pendingOrders();
  await sleep(20);
  const closing = iap.close();
  const e = await within(rejection(p), 1000, 'pendingOrders after close');
  assert.equal(e.code, 'CLOSED');
  answer({ orders: [] });
  await within(closing, 2000, 'close()');
});
