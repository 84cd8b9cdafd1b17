// harness.js — what every Node test shares: a simulated Toss app installed
// before the real SDK is imported, main.wasm compiled once, a real grant
// server on loopback, and a record of what the Go side printed.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { createTossApp } from '../sim/tossapp.js';
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
export const sdk = await import('@apps-in-toss/web-bridge');
export const wasmModule = await WebAssembly.compile(await readFile(new URL('../main.wasm', import.meta.url)));

/**
 * A partner grant server on 127.0.0.1. mode: 'ok' (granted:true),
 * 'deny' (granted:false), 'error' (500), 'hang' (never answers), 'notjson'.
 */
export async function startGrantServer() {
  const grants = []; // every request body received
  const state = { mode: 'ok' };
  const hanging = new Set();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      let parsed;
      try { parsed = JSON.parse(body); } catch { parsed = { invalid: body }; }
      grants.push({ method: req.method, contentType: req.headers['content-type'], body: parsed });
      const mode = typeof state.mode === 'function' ? state.mode(parsed) : state.mode;
      const json = (status, obj) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(obj)); };
      switch (mode) {
        case 'ok': return json(200, { granted: true, orderId: parsed.orderId });
        case 'deny': return json(200, { granted: false });
        case 'error': return json(500, { error: 'boom' });
        case 'truthy': return json(200, { granted: 'yes' });
        case 'notjson': res.writeHead(200); return res.end('granted');
        case 'hang': hanging.add(res); return undefined;
        default: throw new Error(`unknown mode ${mode}`);
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/api/grant`;
  return {
    url, grants, state,
    grantedOrderIds: () => grants.map((g) => g.body.orderId),
    async close() {
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

/** Resets the app between tests. */
export function resetApp(overrides = {}) {
  app.setApp({ version: '5.240.0', os: 'ios', environment: 'toss', ...overrides });
  app.onCheckout = (c) => c.pay();
  app.methodHooks = {};
  app.belowMinimum = 'undefined';
  app.grantWaitMs = 30000;
  app.latencyMs = 0;
}
