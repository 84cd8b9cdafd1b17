// hostile.test.js — values from the SDK or the app that fight back:
// throwing getters, Proxies (revoked, or trapping everything), cycles,
// BigInt, symbols, huge strings and arrays, lone surrogates. Each becomes
// INVALID_RESPONSE or is ignored: never a crash, never a flow that does not
// settle; the grant callback answers a boolean and never rejects; and a
// granted order is never reported as a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../goiap.js';
import { wasmModule, within, rejection } from './harness.js';

const thrower = () => { throw new Error('hostile'); };
const trapAll = new Proxy({}, { get: thrower, has: thrower, ownKeys: thrower, getOwnPropertyDescriptor: thrower, getPrototypeOf: thrower });
const revoked = (() => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; })();
const cyclic = () => { const o = { type: 'success' }; o.data = o; o.orderId = o; return o; };
const getter = (key, extra = {}) => Object.defineProperty({ ...extra }, key, { get: thrower, enumerable: true });
const hugeArray = new Proxy([], { get: (t, k) => (k === 'length' ? 2 ** 32 - 1 : Reflect.get(t, k)) });

/** Values to throw at every door. */
export const HOSTILE = [
  ['a Proxy trapping everything', trapAll],
  ['a revoked Proxy', revoked],
  ['a cycle', cyclic()],
  ['a BigInt', 10n],
  ['a symbol', Symbol('x')],
  ['a huge string', 'x'.repeat(1 << 22)],
  ['a lone surrogate', '\ud800'],
  ['an array claiming 2^32-1 elements', hugeArray],
  ['a function', () => {}],
  ['undefined', undefined],
];

/**
 * A fake SDK: every checkout is handed to script(params), which drives the
 * options, events and errors by hand.
 */
function fakeSDK(script, iapExtra = {}) {
  return {
    isMinVersionSupported: () => true,
    IAP: {
      createOneTimePurchaseOrder(params) { script(params); return () => {}; },
      ...iapExtra,
    },
  };
}

const okFetch = async () => new Response('{"granted":true}', { status: 200 });

async function client(t, script, opts = {}) {
  const iap = await load({ wasm: wasmModule, sdk: fakeSDK(script, opts.iap), fetch: opts.fetch ?? okFetch });
  t.after(() => within(iap.close(), 5000, 'close()'));
  return iap;
}

/** Calls the grant callback with arg; asserts it answers exactly a boolean. */
async function grantAnswer(params, arg) {
  let answer;
  try {
    answer = await params.options.processProductGrant(arg);
  } catch (e) {
    assert.fail(`processProductGrant rejected: ${e}`);
  }
  assert.equal(typeof answer, 'boolean', `a boolean, got ${String(answer)}`);
  return answer;
}

const grantArgs = [
  ...HOSTILE,
  ['an object whose orderId getter throws', getter('orderId')],
  ['orderId a Proxy', { orderId: trapAll }],
  ['orderId a BigInt', { orderId: 1n }],
  ['subscriptionId getter throws', getter('subscriptionId', { orderId: 'o-1' })],
];

for (const [what, arg] of grantArgs) {
  test(`the grant callback handed ${what} answers a boolean and the purchase still settles`, async (t) => {
    let params;
    const iap = await client(t, (p) => { params = p; });
    const buy = iap.buy('item_coin_100');
    await within((async () => { while (!params) await new Promise((r) => setTimeout(r, 1)); })(), 2000, 'the checkout');
    await grantAnswer(params, arg);
    params.onError({ code: 'USER_CANCELED' });
    const e = await within(rejection(buy), 2000, 'buy()');
    assert.equal(e.code, 'USER_CANCELED');
    assert.equal(iap.stats().panics, 0);
  });
}

test('a purchased event whose orderId getter throws answers false', async (t) => {
  let params;
  const iap = await client(t, (p) => { params = p; });
  const buy = iap.buy('item_coin_100');
  await within((async () => { while (!params) await new Promise((r) => setTimeout(r, 1)); })(), 2000, 'the checkout');
  assert.equal(await grantAnswer(params, getter('orderId')), false);
  params.onError('USER_CANCELED');
  assert.equal((await rejection(buy)).code, 'USER_CANCELED');
});

for (const [what, ev] of [
  ...HOSTILE,
  ['an event whose type getter throws', getter('type')],
  ['success whose data getter throws', getter('data', { type: 'success' })],
  ['success with data a Proxy', { type: 'success', data: trapAll }],
  ['success with data revoked', { type: 'success', data: revoked }],
  ['success with data a cycle', cyclic()],
  ['success with amount a BigInt', { type: 'success', data: { orderId: 'x', amount: 1n } }],
]) {
  test(`an event that is ${what}, before any grant, is ignored or INVALID_RESPONSE`, async (t) => {
    const iap = await client(t, (p) => {
      p.onEvent(ev);
      p.onError({ code: 'NETWORK_ERROR' });
    });
    const e = await within(rejection(iap.buy('item_coin_100')), 2000, 'buy()');
    assert.ok(['INVALID_RESPONSE', 'NETWORK_ERROR'].includes(e.code), e.code);
    assert.equal(iap.stats().panics, 0);
  });

  test(`an error that is ${what} rejects with a known code`, async (t) => {
    const iap = await client(t, (p) => p.onError(ev));
    const e = await within(rejection(iap.buy('item_coin_100')), 2000, 'buy()');
    assert.equal(typeof e.code, 'string');
    assert.equal(iap.stats().panics, 0);
  });

  test(`once granted, a success event with data ${what} resolves with the order id`, async (t) => {
    const iap = await client(t, async (p) => {
      assert.equal(await p.options.processProductGrant({ orderId: 'ord-granted' }), true);
      p.onEvent({ type: 'success', data: ev });
    });
    const r = await within(iap.buy('item_coin_100'), 2000, 'buy()');
    assert.equal(r.orderId, 'ord-granted');
    assert.equal(r.incomplete, true);
  });
}

test('hostile answers to the grant request are not granted, and never crash', async (t) => {
  for (const [what, answer] of [
    ['a Response whose status getter throws', getter('status')],
    ['a Proxy', trapAll],
    ['json() throwing', { status: 200, json: thrower }],
    ['json() resolving a Proxy', { status: 200, json: async () => trapAll }],
    ['granted getter throwing', { status: 200, json: async () => getter('granted') }],
    ['granted a BigInt', { status: 200, json: async () => ({ granted: 1n }) }],
  ]) {
    const iap = await client(t, async (p) => {
      const ok = await p.options.processProductGrant({ orderId: 'o-1' });
      assert.equal(ok, false, what);
      p.onError({ code: 'PRODUCT_NOT_GRANTED_BY_PARTNER', userInfo: { orderId: 'o-1' } });
    }, { fetch: async () => answer });
    const e = await within(rejection(iap.buy('item_coin_100')), 2000, what);
    assert.equal(e.code, 'PRODUCT_NOT_GRANTED_BY_PARTNER', what);
    assert.equal(iap.stats().panics, 0, what);
  }
});

test('hostile SDK namespaces and answers reject with a known code', async (t) => {
  for (const [what, sdk] of [
    ['a Proxy', trapAll],
    ['a revoked Proxy', revoked],
    ['IAP getter throwing', getter('IAP', { isMinVersionSupported: () => true })],
    ['IAP a Proxy', { isMinVersionSupported: () => true, IAP: trapAll }],
  ]) {
    const iap = await load({ wasm: wasmModule, sdk, fetch: okFetch });
    const e = await within(rejection(iap.buy('item_coin_100')), 2000, what);
    assert.equal(e.code, 'SDK_UNAVAILABLE', what);
    await iap.close();
  }
  for (const [what, answer] of HOSTILE) {
    const iap = await client(t, () => {}, { iap: { getProductItemList: async () => answer, getPendingOrders: async () => answer } });
    for (const call of [() => iap.products(), () => iap.pendingOrders()]) {
      const e = await within(rejection(call()), 2000, what);
      // A thenable that throws rejects the SDK's promise itself: UNKNOWN.
      assert.ok(['INVALID_RESPONSE', 'UNSUPPORTED_APP_VERSION', 'UNKNOWN'].includes(e.code), `${what}: ${e.code}`);
    }
  }
});

test('hostile arguments from the page reject with a known code', async (t) => {
  const iap = await client(t, (p) => p.onError('USER_CANCELED'));
  for (const [what, v] of HOSTILE) {
    const e = await within(rejection(iap.buy(v)), 2000, what);
    assert.ok(['INVALID_SKU', 'USER_CANCELED'].includes(e.code), `${what}: ${e.code}`);
    const e2 = await within(rejection(iap.subscribe('sub_1', { offerId: v })), 2000, what);
    assert.equal(typeof e2.code, 'string');
  }
});
