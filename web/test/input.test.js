// input.test.js — what buy() accepts as a SKU. Every invalid SKU rejects
// INVALID_SKU before anything reaches the app.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { app, setup, resetApp, rejection, idle, posted } from './harness.js';

beforeEach(() => resetApp());

const utf8 = (s) => Buffer.byteLength(s, 'utf8');
const long257 = 'ab' + '한'.repeat(85); // 2 + 85×3 = 257 bytes, 87 characters
const long256 = 'a' + '한'.repeat(85); // 256 bytes: the longest accepted

const INVALID = [
  ['a number', 100],
  ['undefined', undefined],
  ['null', null],
  ['an object', { sku: 'item_coin_100' }],
  ['an array', ['item_coin_100']],
  ['a boolean', true],
  ['a String object', new String('item_coin_100')], // eslint-disable-line no-new-wrappers
  ['a symbol', Symbol('item_coin_100')],
  ['a bigint', 100n],
  ['a function', () => 'item_coin_100'],
  ['empty', ''],
  ['only spaces', '   '],
  ['a space inside', 'a b'],
  ['a leading space', ' item_coin_100'],
  ['a trailing space', 'item_coin_100 '],
  ['a tab', 'tab\tx'],
  ['a NUL', 'nul\u0000x'],
  ['a newline', 'item\ncoin'],
  ['a carriage return', 'item\rcoin'],
  ['DEL', 'item\u007fcoin'],
  ['a no-break space', 'item\u00a0coin'],
  ['an ideographic space', 'item\u3000coin'],
  ['a zero-width space', 'item\u200bcoin'],
  ['a BOM', '\ufeffitem_coin_100'],
  ['a line separator', 'item\u2028coin'],
  ['257 bytes with multibyte characters', long257],
  ['300 ASCII bytes', 'x'.repeat(300)],
];

test('the long SKUs are the sizes they claim', () => {
  assert.equal(utf8(long257), 257);
  assert.equal(long257.length, 87);
  assert.equal(utf8(long256), 256);
});

for (const [name, sku] of INVALID) {
  test(`an invalid SKU (${name}) rejects INVALID_SKU and posts nothing`, async (t) => {
    const { iap, server } = await setup(t);
    const e = await rejection(iap.buy(sku));
    assert.ok(e instanceof Error, 'an Error');
    assert.equal(e.code, 'INVALID_SKU');
    assert.equal(e.orderId, undefined);
    assert.equal(app.messages.length, 0, 'nothing posted to the app');
    assert.equal(server.grants.length, 0);
    assert.deepEqual(iap.stats(), { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 });
    // the client is still usable
    const r = await iap.buy('item_coin_100');
    assert.deepEqual(r, app.resultFor(r.orderId, 'item_coin_100'));
  });
}

test('buy() with no argument at all rejects INVALID_SKU', async (t) => {
  const { iap } = await setup(t);
  const e = await rejection(iap.buy());
  assert.equal(e.code, 'INVALID_SKU');
  assert.equal(app.messages.length, 0);
});

test('a 256-byte SKU is valid and reaches the app unchanged', async (t) => {
  const { iap } = await setup(t);
  // not in the catalogue: the app answers INVALID_PRODUCT_ID
  const e = await rejection(iap.buy(long256));
  assert.equal(e.code, 'INVALID_PRODUCT_ID');
  assert.deepEqual(posted('addEventListener').map((m) => m.args), [{ sku: long256 }]);
  // in the catalogue: it sells
  app.products.push({ ...app.products[0], sku: long256 });
  const r = await iap.buy(long256);
  assert.equal(r.displayName, '코인 100개');
  assert.deepEqual(posted('addEventListener').at(-1).args, { sku: long256 });
});

test('SKUs with punctuation, dots and non-Latin letters are valid', async (t) => {
  const { iap, server } = await setup(t);
  for (const sku of ['com.example.coins_100', 'item-coin:100/v2', '코인100', 'a', 'ÄÖÜ', '🎉']) {
    app.products.push({ ...app.products[0], sku });
    const r = await iap.buy(sku);
    assert.equal(server.grants.at(-1).body.sku, sku);
    assert.equal(server.grants.at(-1).body.orderId, r.orderId);
    assert.deepEqual(posted('addEventListener').at(-1).args, { sku });
  }
  await idle(iap);
});

test('an unknown but well-formed SKU is the app\'s call: INVALID_PRODUCT_ID', async (t) => {
  const { iap } = await setup(t);
  const e = await rejection(iap.buy('item_does_not_exist'));
  assert.equal(e.code, 'INVALID_PRODUCT_ID');
  assert.equal(posted('addEventListener').length, 1);
});
