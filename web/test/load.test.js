// load.test.js — every form load() accepts main.wasm in, each giving a
// client that really sells.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { load, CODES } from '../goiap.js';
import { app, sdk, resetApp, rejection, within, wasmModule } from './harness.js';

beforeEach(() => resetApp());

const wasmURL = new URL('../main.wasm', import.meta.url);
const bytes = await readFile(wasmURL);
const grantFetch = async () => new Response('{"granted":true}', { status: 200 });

/** Loads a client from wasm, buys once, closes. */
async function sells(wasm) {
  const iap = await load({ wasm, sdk, fetch: grantFetch });
  try {
    const r = await iap.buy('item_coin_100');
    assert.deepEqual(r, app.resultFor(r.orderId, 'item_coin_100'));
  } finally {
    await within(iap.close(), 2000, 'close()');
  }
}

/** A static server for main.wasm on loopback. */
async function wasmServer(t) {
  const server = http.createServer((req, res) => {
    if (req.url === '/main.wasm') {
      res.writeHead(200, { 'content-type': 'application/wasm' });
      return res.end(bytes);
    }
    res.writeHead(404);
    return res.end('not found');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }));
  return `http://127.0.0.1:${server.address().port}`;
}

test('wasm as a file: URL object', async () => { await sells(wasmURL); });
test('wasm as a file: URL string', async () => { await sells(wasmURL.href); });
test('wasm as a path string (resolved like a URL against goiap.js)', async () => { await sells(fileURLToPath(wasmURL)); });
test('wasm as a relative string (next to goiap.js in Node)', async () => { await sells('./main.wasm'); });
test('wasm left out: main.wasm next to goiap.js', async () => { await sells(undefined); });
test('wasm as a Buffer', async () => { await sells(Buffer.from(bytes)); });
test('wasm as a Uint8Array', async () => { await sells(new Uint8Array(bytes)); });
test('wasm as a Uint8Array view at an offset into a bigger buffer', async () => {
  const big = new Uint8Array(bytes.length + 16);
  big.set(bytes, 8);
  await sells(big.subarray(8, 8 + bytes.length));
});
test('wasm as an ArrayBuffer', async () => {
  await sells(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
});
test('wasm as a DataView', async () => { await sells(new DataView(new Uint8Array(bytes).buffer)); });
test('wasm as a WebAssembly.Module', async () => { await sells(wasmModule); });
test('wasm as a Response', async () => { await sells(new Response(bytes, { headers: { 'content-type': 'application/wasm' } })); });

test('wasm over http: a URL string and a fetched Response', async (t) => {
  const base = await wasmServer(t);
  await sells(`${base}/main.wasm`);
  await sells(new URL('/main.wasm', base));
  await sells(await fetch(`${base}/main.wasm`));
});

test('wasm over http that is not there rejects SDK_UNAVAILABLE', async (t) => {
  const base = await wasmServer(t);
  const e = await rejection(load({ wasm: `${base}/missing.wasm`, sdk, fetch: grantFetch }));
  assert.ok(e instanceof Error);
  assert.equal(e.code, 'SDK_UNAVAILABLE');
  assert.match(e.message, /404/);
  // a failed load is not cached: the right URL still works afterwards
  await sells(`${base}/main.wasm`);
});

test('main.wasm that cannot be read or compiled rejects with a known code', async () => {
  for (const wasm of [new URL('./no-such.wasm', import.meta.url), new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]), new ArrayBuffer(0)]) {
    const e = await rejection(load({ wasm, sdk, fetch: grantFetch }));
    assert.ok(e instanceof Error);
    assert.equal(typeof e.code, 'string');
    assert.ok(CODES.includes(e.code), `code ${e.code} for ${wasm}`);
    assert.equal(e.code, 'SDK_UNAVAILABLE');
  }
  assert.equal(app.messages.length, 0);
});

test('one WebAssembly.Module makes many independent clients', async () => {
  const clients = await Promise.all([1, 2, 3].map(() => load({ wasm: wasmModule, sdk, fetch: grantFetch })));
  const ids = [];
  for (const iap of clients) ids.push((await iap.buy('item_coin_100')).orderId);
  assert.equal(new Set(ids).size, 3);
  await within(Promise.all(clients.map((c) => c.close())), 2000, 'close()');
});

test('three clients run on one Go program; closing one leaves the others selling', async () => {
  const clients = await Promise.all([1, 2, 3].map(() => load({ sdk, fetch: grantFetch })));
  const debug = (c) => c[Symbol.for('goiap.debug')]();
  assert.equal(debug(clients[0]).program, debug(clients[1]).program);
  assert.equal(debug(clients[1]).program, debug(clients[2]).program);
  await within(clients[0].close(), 2000, 'close()');
  assert.equal((await rejection(clients[0].buy('item_coin_100'))).code, 'CLOSED');
  for (const iap of clients.slice(1)) assert.match((await iap.buy('item_coin_100')).orderId, /^ord-/);
  const later = await load({ sdk, fetch: grantFetch });
  assert.equal(debug(later).program, debug(clients[1]).program, 'a client made after a close shares it too');
  await within(Promise.all([...clients, later].map((c) => c.close())), 2000, 'close()');
});
