// harness.js — what every Node test shares: a simulated Toss app installed
// before the real SDK is imported, main.wasm compiled once, a real grant
// server on loopback, and a record of what the Go side printed.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { createTossApp, DEFAULT_PRODUCTS } from '../sim/tossapp.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from '../goiap.js';

globalThis.window ??= globalThis; // the SDK reads window.*

// Everything printed (wasm_exec routes Go's stderr and "call to released
// function" through console), so tests can assert on it.
export const printed = [];
for (const level of ['log', 'error', 'warn']) {
  const orig = console[level].bind(console);
  console[level] = (...args) => { printed.push(args.map(String).join(' ')); orig(...args); };
}

export const app = createTossApp();
export const sdk = await import(await sdkEntry(process.env.GOIAP_SDK_DIR));

/**
 * The SDK entry to import: web/'s own @apps-in-toss/web-bridge, or with
 * GOIAP_SDK_DIR (make compat) the one installed under that directory's
 * node_modules, so the same tests run on another release.
 */
async function sdkEntry(dir) {
  if (!dir) return '@apps-in-toss/web-bridge';
  const { pathToFileURL } = await import('node:url');
  const base = pathToFileURL(`${dir.replace(/\/$/, '')}/node_modules/@apps-in-toss/web-bridge/`);
  const pkg = JSON.parse(await readFile(new URL('package.json', base), 'utf8'));
  const dot = pkg.exports?.['.'] ?? pkg.exports;
  const entry = dot?.import?.default ?? dot?.import ?? dot?.default ?? pkg.module ?? pkg.main;
  return new URL(entry, base).href;
}

/**
 * Whether the loaded SDK has IAP.<name>. A call it lacks answers
 * SDK_UNAVAILABLE; version-aware tests assert that instead of the flow.
 * getSubscriptionInfo came in 2.4.5, subscriptions in 1.13.0,
 * completeProductGrant (so recover()) in 1.3.0.
 */
export function sdkHas(name) {
  return typeof sdk.IAP?.[name] === 'function';
}
export const wasmModule = await WebAssembly.compile(await readFile(new URL('../main.wasm', import.meta.url)));

/**
 * A partner grant server on 127.0.0.1. state.mode: 'ok' (granted:true),
 * 'deny' (granted:false), 'error' (500), 'truthy' (granted:'yes'),
 * 'notjson', 'hang' (never answers), or a function (body) => mode.
 * state.delayMs > 0 delays every answer. grants records each request:
 * {method, path, contentType, raw, body, answered}.
 */
export async function startGrantServer() {
  const grants = []; // every request received
  const state = { mode: 'ok', delayMs: 0 };
  const hanging = new Set();
  const timers = new Set();
  const respond = (mode, res, parsed, rec) => {
    const json = (status, obj) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(obj));
      rec.answered = mode;
    };
    switch (mode) {
      case 'ok': return json(200, { granted: true, orderId: parsed.orderId });
      case 'deny': return json(200, { granted: false });
      case 'error': return json(500, { granted: true, error: 'boom' }); // granted:true, but not a 2xx
      case 'truthy': return json(200, { granted: 'yes' });
      case 'notjson': res.writeHead(200, { 'content-type': 'text/plain' }); rec.answered = mode; return res.end('granted');
      case 'hang': hanging.add(res); return undefined;
      default: throw new Error(`unknown mode ${mode}`);
    }
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      let parsed;
      try { parsed = JSON.parse(body); } catch { parsed = { invalid: body }; }
      const rec = { method: req.method, path: req.url, contentType: req.headers['content-type'], raw: body, body: parsed, answered: null };
      grants.push(rec);
      const mode = typeof state.mode === 'function' ? state.mode(parsed) : state.mode;
      if (state.delayMs > 0 && mode !== 'hang') {
        hanging.add(res);
        const t = setTimeout(() => {
          timers.delete(t);
          hanging.delete(res);
          if (!res.destroyed) respond(mode, res, parsed, rec);
        }, state.delayMs);
        timers.add(t);
        return undefined;
      }
      return respond(mode, res, parsed, rec);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/api/grant`;
  return {
    url, grants, state,
    grantedOrderIds: () => grants.map((g) => g.body.orderId),
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const res of hanging) res.destroy();
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A closed port: fetch fails the way an unreachable server does. */
export async function unreachableURL() {
  const s = http.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}/api/grant`;
}

/** A client on the shared module and SDK. */
export function newClient(opts = {}) {
  return load({ wasm: wasmModule, sdk, ...opts });
}

/** Resolves with the rejection of p (fails if p resolves). */
export async function rejection(p) {
  try {
    const v = await p;
    throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
  } catch (e) {
    return e;
  }
}

/** Waits until cond() is true, polling; fails after ms. */
export async function eventually(cond, ms = 2000, what = 'condition') {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Resets the app between tests: version, scripts, and everything it
 * recorded (messages, orders, open checkouts, timers, products).
 */
export function resetApp(overrides = {}) {
  app.setApp({ version: '5.240.0', os: 'ios', environment: 'toss', ...overrides });
  app.onCheckout = (c) => c.pay();
  app.methodHooks = {};
  app.belowMinimum = 'undefined';
  app.grantWaitMs = 30000;
  app.latencyMs = 0;
  app.dispose();
  app.messages.length = 0;
  app.orders.clear();
  app.checkouts.clear();
  app.products = structuredClone(DEFAULT_PRODUCTS);
}

/** The messages the page posted, of one type (and function name). */
export function posted(type, functionName) {
  return app.messages.filter((m) => m.type === type && (functionName === undefined || m.functionName === functionName));
}

/** How many checkouts the page opened (current or legacy path). */
export function checkoutsOpened() {
  return posted('addEventListener').length + posted('method', 'iapCreateOneTimePurchaseOrder').length;
}

/** The grant reports (processProductGrant args) the app received, optionally for one order. */
export function grantReports(orderId) {
  return posted('method', 'processProductGrant').map((m) => m.args[0]).filter((r) => orderId === undefined || r?.orderId === orderId);
}

/**
 * Makes the app hold every checkout instead of paying: returns next(),
 * which resolves with the next checkout opened.
 */
export function holdCheckouts() {
  const held = [];
  const waiting = [];
  app.onCheckout = (c) => {
    const w = waiting.shift();
    if (w) w(c); else held.push(c);
  };
  return {
    held,
    next: () => (held.length ? Promise.resolve(held.shift()) : new Promise((r) => waiting.push(r))),
  };
}

/** Rejects if p has not settled within ms; never keeps the process alive. */
export function within(p, ms, what = 'promise') {
  let t;
  return Promise.race([
    p,
    new Promise((_, reject) => { t = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(t));
}

/**
 * A grant server and a client on it, both closed after the test t (the
 * client first, so a grant in flight still reaches the server).
 */
export async function setup(t, opts = {}) {
  const server = await startGrantServer();
  const iap = await newClient({ grantURL: server.url, ...opts });
  t.after(async () => {
    await within(iap.close(), 5000, 'close()');
    await server.close();
    app.dispose();
  });
  return { iap, server };
}

/** Asserts-ready snapshot: the client holds nothing and the app has no listeners. */
export async function idle(iap, ms = 2000) {
  await eventually(() => {
    const s = iap.stats();
    return s.inFlight === 0 && s.liveCallbacks === 0 && app.listenerCount() === 0;
  }, ms, 'the client to be idle');
  return iap.stats();
}

/** Lines printed since mark (an index into printed). */
export const printedSince = (mark) => printed.slice(mark);

/**
 * A short, comparable key for an order id: ids over 120 characters (the
 * ~1 MB ones chaos makes) become "long:<length>:<hash>".
 */
export function orderKey(id) {
  if (typeof id !== 'string') return `(${typeof id})`;
  if (id.length <= 120) return id;
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return `long:${id.length}:${h.toString(16)}`;
}

/**
 * A partner grant server on 127.0.0.1 that fails on purpose, for chaos and
 * property tests. state.mode is a mode, or a function (rec) => mode:
 * 'ok' (granted:true), 'deny' (granted:false), 'error' (500 with
 * granted:true), 'truthy' (granted:'yes'), 'notjson', 'empty' (200, no
 * body), 'slow' (ok after state.slowMs), 'hang' (never answers; the
 * request ends when the client gives up or the server closes), 'reset'
 * (the connection is reset before any answer). requests records every
 * request without its body: {id, postId, client, orderId (orderKey of
 * it), sku, mode, answered, at}, where postId and client come from the
 * x-goiap-post and x-goiap-client headers when the caller's fetch adds them.
 */
export async function startFaultyGrantServer() {
  const requests = [];
  const state = { mode: 'ok', slowMs: 5 };
  const open = new Set(); // responses not answered yet
  const timers = new Set();
  let seq = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('error', () => {});
    res.on('error', () => {});
    req.on('end', () => {
      let body;
      try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { body = {}; }
      const rec = {
        id: ++seq, postId: req.headers['x-goiap-post'] ?? null, client: req.headers['x-goiap-client'] ?? null,
        orderId: orderKey(body?.orderId), sku: typeof body?.sku === 'string' ? body.sku : null,
        mode: null, answered: null, at: Date.now(),
      };
      requests.push(rec);
      rec.mode = typeof state.mode === 'function' ? state.mode(rec) : state.mode;
      const json = (status, obj) => {
        open.delete(res);
        if (res.destroyed) { rec.answered = 'gone'; return; }
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(obj === undefined ? '' : JSON.stringify(obj));
        rec.answered = rec.mode;
      };
      open.add(res);
      res.on('close', () => open.delete(res));
      switch (rec.mode) {
        case 'ok': return json(200, { granted: true, orderId: body?.orderId });
        case 'deny': return json(200, { granted: false });
        case 'error': return json(500, { granted: true, error: 'boom' });
        case 'truthy': return json(200, { granted: 'yes' });
        case 'empty': return json(200, undefined);
        case 'notjson':
          open.delete(res);
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('granted');
          rec.answered = rec.mode;
          return undefined;
        case 'slow': {
          const t = setTimeout(() => { timers.delete(t); json(200, { granted: true, orderId: body?.orderId }); }, state.slowMs);
          timers.add(t);
          return undefined;
        }
        case 'hang': return undefined;
        case 'reset':
          open.delete(res);
          rec.answered = 'reset';
          if (typeof req.socket.resetAndDestroy === 'function') req.socket.resetAndDestroy();
          else req.socket.destroy();
          return undefined;
        default: throw new Error(`unknown mode ${rec.mode}`);
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/api/grant`;
  return {
    url, requests, state,
    /** Requests not answered yet (hanging or slow). */
    openCount: () => open.size,
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const res of open) res.destroy();
      open.clear();
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Asserts iap holds nothing and the SDK has `listeners` listeners left. */
export function assertIdle(iap, listeners = 0) {
  const { inFlight, liveCallbacks, panics } = iap.stats();
  assert.deepEqual({ inFlight, liveCallbacks, panics }, { inFlight: 0, liveCallbacks: 0, panics: 0 });
  assert.equal(app.listenerCount(), listeners);
}

/** Asserts Go never printed "call to released function" (use in after()). */
export function assertNoReleasedCalls() {
  assert.deepEqual(printed.filter((l) => l.includes('call to released function')), []);
}

/**
 * test() for a feature that needs IAP.<call>. On an SDK without that call
 * (make compat, older releases) the test under the same title asserts
 * instead that attempt(iap) is refused with SDK_UNAVAILABLE and nothing is
 * sent to the app: never skipped, never a silent no-op.
 */
export function testNeeding(call, attempt) {
  if (sdkHas(call)) return test;
  return (title, _fn) => test(`${title} [this SDK has no IAP.${call}: SDK_UNAVAILABLE]`, async (t) => {
    const { iap } = await setup(t);
    app.messages.length = 0;
    const e = await rejection(attempt(iap));
    assert.equal(e.code, 'SDK_UNAVAILABLE', `${call}: ${e.message}`);
    assert.deepEqual(app.messages, []);
    assertIdle(iap);
  });
}
