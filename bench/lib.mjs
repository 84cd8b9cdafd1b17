// lib.mjs — what every bench script shares: the simulated Toss app answering
// on a microtask, the real SDK, Go's wasm_exec.js (optionally counting every
// Go↔JS crossing), an in-process fetch, and the same purchase written in
// plain JS on the SDK.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

globalThis.window ??= globalThis; // the SDK reads window.*

export const root = new URL('../', import.meta.url);
export const outDir = new URL('bench/out/', root);
export const path = (rel) => new URL(rel, root);

const { createTossApp } = await import(path('web/sim/tossapp.js').href);
// The app must exist before the SDK is imported (the SDK reads its constants).
export const app = createTossApp({ latencyMs: 0 });

// wasm_exec.js from web/ — the copy the loader would import itself.
await import(path('web/wasm_exec.js').href);
export const BaseGo = globalThis.Go;

// crossings counts every import main.wasm calls (Go → JS) and every resume
// (JS → Go: a callback into a js.Func, or a Go timer firing), when enabled.
export const crossings = { enabled: false, detail: false, go2js: {}, names: {}, resume: { callback: 0, timer: 0 } };

const decoder = new TextDecoder();

/** Replaces globalThis.Go with a subclass that counts crossings; goiap.js picks it up. */
export function installCountingGo() {
  class CountingGo extends BaseGo {
    constructor() {
      super();
      const go = this;
      const gojs = this.importObject.gojs;
      const i64 = (a) => go.mem.getUint32(a, true) + go.mem.getInt32(a + 4, true) * 4294967296;
      const str = (a) => decoder.decode(new Uint8Array(go._inst.exports.mem.buffer, i64(a), i64(a + 8)));
      const val = (a) => {
        const f = go.mem.getFloat64(a, true);
        if (f === 0) return undefined;
        if (!Number.isNaN(f)) return f;
        return go._values[go.mem.getUint32(a, true)];
      };
      const describe = {
        'syscall/js.valueGet': (sp) => str(sp + 16),
        'syscall/js.valueSet': (sp) => str(sp + 16),
        'syscall/js.valueDelete': (sp) => str(sp + 16),
        'syscall/js.valueCall': (sp) => str(sp + 16),
        'syscall/js.valueInvoke': (sp) => fnName(val(sp + 8)),
        'syscall/js.valueNew': (sp) => fnName(val(sp + 8)),
      };
      for (const name of Object.keys(gojs)) {
        const orig = gojs[name];
        const d = describe[name];
        gojs[name] = (sp) => {
          if (crossings.enabled) {
            crossings.go2js[name] = (crossings.go2js[name] ?? 0) + 1;
            if (crossings.detail && d) {
              const key = `${name.replace('syscall/js.', '')} ${d(sp >>> 0)}`;
              crossings.names[key] = (crossings.names[key] ?? 0) + 1;
            }
          }
          return orig(sp);
        };
      }
      const resume = this._resume.bind(this);
      this._resume = () => {
        if (crossings.enabled) crossings.resume[this._pendingEvent ? 'callback' : 'timer']++;
        return resume();
      };
    }
  }
  globalThis.Go = CountingGo;
}

function fnName(f) {
  if (typeof f !== 'function') return `(${typeof f})`;
  return f.name || '(anonymous)';
}

export function resetCrossings() {
  crossings.go2js = {};
  crossings.names = {};
  crossings.resume = { callback: 0, timer: 0 };
}

export const sdk = await import(path('web/node_modules/@apps-in-toss/web-bridge/dist/index.js').href);
export const { load } = await import(path('web/goiap.js').href);

export const GRANT_URL = '/api/grant';
export const SKU = 'item_coin_100';

// The grant endpoint, in process: what the answer says is up to grant.mode.
export const grant = { mode: 'ok', calls: 0 };
const BODIES = { ok: '{"granted":true}', deny: '{"granted":false}' };
export async function fakeFetch(url, init) {
  grant.calls++;
  return new Response(BODIES[grant.mode], { status: 200, headers: { 'content-type': 'application/json' } });
}

/**
 * The same flow as the Go client's buy(), written directly on the SDK: the
 * grant POSTs {orderId, sku} and counts only granted === true; onEvent and
 * onError call the SDK's cleanup.
 */
export function jsBuy(sku, { fetch: fetchFn = fakeFetch, timeoutMs = 0 } = {}) {
  return new Promise((resolve, reject) => {
    let cleanup = null;
    let settled = false;
    const end = () => { settled = true; cleanup?.(); };
    cleanup = sdk.IAP.createOneTimePurchaseOrder({
      options: {
        sku,
        processProductGrant: async ({ orderId }) => {
          // timeoutMs > 0: abort a hung grant as the Go client does (an
          // AbortController per grant and a timer), for a like-for-like row.
          const ac = timeoutMs > 0 ? new AbortController() : null;
          const timer = ac ? setTimeout(() => ac.abort(), timeoutMs) : null;
          try {
            const res = await fetchFn(GRANT_URL, {
              method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId, sku }), signal: ac?.signal,
            });
            if (!res.ok) return false;
            const body = await res.json();
            return body?.granted === true;
          } catch {
            return false;
          } finally {
            if (timer) clearTimeout(timer);
          }
        },
      },
      onEvent: (event) => { if (event.type === 'success') { end(); resolve(event.data); } },
      onError: (error) => { end(); reject(error); },
    });
    if (settled) cleanup?.();
  });
}

/** A Go client on the shared SDK and in-process fetch. */
export function goClient(opts = {}) {
  return load({ sdk, grantURL: GRANT_URL, fetch: fakeFetch, ...opts });
}

export const readBytes = (rel) => readFile(path(rel));

/**
 * Between batches, while nothing is in flight: forget what the simulated
 * app and the SDK's emitter keep forever (every message posted, every order,
 * an empty listener array per event name), so batch 10 runs on the same
 * state as batch 1. Returns how many empty emitter keys were dropped.
 */
export function housekeeping() {
  app.messages.length = 0;
  app.orders.clear();
  const events = globalThis.__GRANITE_NATIVE_EMITTER?.events ?? {};
  let empty = 0;
  for (const k of Object.keys(events)) {
    if (!events[k] || events[k].length === 0) { delete events[k]; empty++; }
  }
  return empty;
}

export const now = () => performance.now();
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until the Go client holds nothing (a grant goroutine may still be unwinding). */
export async function idle(client, ms = 2000) {
  const end = Date.now() + ms;
  for (;;) {
    const s = client.stats();
    if ((s.inFlight === 0 && s.liveCallbacks === 0) || Date.now() > end) return s;
    await sleep(1);
  }
}

export async function writeJSON(name, obj) {
  await mkdir(outDir, { recursive: true });
  await writeFile(new URL(name, outDir), JSON.stringify(obj, null, 2) + '\n');
}

export const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
};
