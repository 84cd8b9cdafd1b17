// goiap.js — loads main.wasm (the Go purchase client) and hands back a
// client for the page. ES module; works in browsers and in Node 20.
//
//   import { load } from './goiap.js';
//   import * as sdk from '@apps-in-toss/web-framework';
//   const iap = await load({ sdk });
//   const result = await iap.buy('item_coin_100', { signal });
//
// Every rejection is an Error with a string .code (see CODES) and, when an
// order is known, .orderId: an order id on an error means money may have
// moved and the order can be recovered.

import { CODES } from './wire.gen.js';

/** The codes a rejection can carry (generated from package bridge). */
export { CODES };

const DEFAULTS = { grantURL: '/api/grant', grantTimeoutMs: 25000 };

let runtime; // the Go class from wasm_exec.js, loaded once
const modules = new Map(); // compiled main.wasm by URL, so a second load() skips compiling
let started; // the page's Go program, once started: a promise of its newClient

// Promise.withResolvers for engines without it (Node 20): Go makes its
// promises with it, which saves a JS→Go call per promise.
const withResolvers = typeof Promise.withResolvers === 'function'
  ? Promise.withResolvers.bind(Promise)
  : () => {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };

/** An Error with a code, as every rejection from a client is. */
export function iapError(code, message, orderId) {
  const err = new Error(message || code);
  err.name = 'IAPError';
  err.code = CODES.includes(code) ? code : 'UNKNOWN';
  if (orderId) err.orderId = orderId;
  return err;
}

// toIAPError makes anything thrown into an Error with a known code.
function toIAPError(e) {
  if (e instanceof Error && typeof e.code === 'string' && CODES.includes(e.code)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return iapError('UNKNOWN', msg, e && typeof e.orderId === 'string' ? e.orderId : undefined);
}

async function goRuntime() {
  if (!runtime) {
    runtime = (async () => {
      if (typeof globalThis.Go !== 'function') {
        // A literal specifier, so that bundlers bundle wasm_exec.js with the loader.
        await import('./wasm_exec.js');
      }
      return globalThis.Go;
    })();
  }
  return runtime;
}

// compileResponse compiles main.wasm as it arrives when the server says
// application/wasm (streaming compilation needs that type), else once whole.
async function compileResponse(res) {
  if (!res.ok) throw iapError('SDK_UNAVAILABLE', `cannot fetch ${res.url || 'main.wasm'}: HTTP ${res.status}`);
  const type = res.headers.get('content-type') ?? '';
  if (typeof WebAssembly.compileStreaming === 'function' && /^application\/wasm\s*(;|$)/i.test(type)) {
    return WebAssembly.compileStreaming(res);
  }
  return WebAssembly.compile(await res.arrayBuffer());
}

async function compileURL(url) {
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return WebAssembly.compile(await readFile(url));
  }
  return compileResponse(await fetch(url));
}

async function compile(wasm) {
  // A promise the page started early (of a Response, a Module or bytes):
  // the download and compilation overlap the rest of the page's start.
  if (wasm && typeof wasm.then === 'function') return compile(await wasm);
  if (wasm instanceof WebAssembly.Module) return wasm;
  if (typeof Response !== 'undefined' && wasm instanceof Response) return compileResponse(wasm);
  if (wasm instanceof ArrayBuffer) return WebAssembly.compile(wasm);
  if (ArrayBuffer.isView(wasm)) { // any view, DataView too (compile takes typed arrays only)
    return WebAssembly.compile(new Uint8Array(wasm.buffer, wasm.byteOffset, wasm.byteLength));
  }
  const base = typeof location !== 'undefined' ? location.href : import.meta.url;
  // The default in the one form bundlers (Vite, Rollup, webpack) recognise
  // and copy main.wasm for as an asset: new URL('<literal>', import.meta.url).
  const url = wasm === undefined ? new URL('./main.wasm', import.meta.url) : new URL(wasm, base);
  const key = url.href;
  if (!modules.has(key)) {
    const p = compileURL(url);
    p.catch(() => modules.delete(key));
    modules.set(key, p);
  }
  return modules.get(key);
}

// program starts the page's Go program from the first main.wasm that
// compiled and resolves with its newClient: one program serves every client
// of the page, and runs as long as the page.
function program(module) {
  started ??= (async () => {
    const Go = await goRuntime();
    const go = new Go();
    const key = '__goiap_boot'; // one program at a time: started is reset once it exits
    const instance = await WebAssembly.instantiate(module, go.importObject);
    return new Promise((resolve, reject) => {
      globalThis[key] = { withResolvers, ready: (newClient) => { delete globalThis[key]; resolve(newClient); } };
      go.env = { GOIAP_BOOT: key }; // cmd/goiap reads it: os.Args would link package os
      go.run(instance).then(() => {
        delete globalThis[key];
        started = undefined;
        reject(iapError('SDK_UNAVAILABLE', 'the Go program exited'));
      });
    });
  })();
  started.catch(() => { started = undefined; });
  return started;
}

/**
 * Starts fetching and compiling main.wasm now, while the page does the rest
 * of its start-up, and the Go program once it is compiled; pass the promise
 * to load({wasm}). Given a URL, the compiled module is kept by URL, so
 * load({wasm: url}) reuses it too; given a fetch the page already started
 * (a Response or a promise of one), it is compiled while it streams.
 * @param {string|URL|Response|Promise<Response>} [wasm] default: main.wasm next to this file
 * @returns {Promise<WebAssembly.Module>}
 */
export function preload(wasm) {
  const p = compile(wasm instanceof URL ? wasm.href : wasm);
  // The Go program needs nothing from the page to start: start it too.
  p.then(program).catch(() => {}); // load() reports failures
  return p;
}

/**
 * Makes one client. Each call makes an independent client, so several may
 * live side by side; they share one Go program. The options, the client and
 * its results are described in goiap.d.ts.
 */
export async function load(opts = {}) {
  const { sdk, wasm } = opts;
  const grantURL = opts.grantURL ?? DEFAULTS.grantURL;
  const grantTimeoutMs = opts.grantTimeoutMs ?? DEFAULTS.grantTimeoutMs;
  const fetchFn = opts.fetch ?? globalThis.fetch?.bind(globalThis);
  if (!Number.isFinite(grantTimeoutMs) || grantTimeoutMs <= 0) {
    throw iapError('UNKNOWN', `grantTimeoutMs must be a positive number, got ${grantTimeoutMs}`);
  }
  if (typeof fetchFn !== 'function') throw iapError('UNKNOWN', 'no fetch function: pass opts.fetch');
  // main.wasm missing or broken, whatever its form: SDK_UNAVAILABLE, as for an HTTP error.
  const newClient = await compile(wasm).then(program).catch((e) => {
    throw e?.name === 'IAPError' ? e : iapError('SDK_UNAVAILABLE', `cannot load main.wasm: ${e?.message ?? e}`);
  });
  const api = newClient({ sdk, grantURL: String(grantURL), grantTimeoutMs, fetch: fetchFn });
  if (api instanceof Error) throw iapError('SDK_UNAVAILABLE', api.message);
  return new Client(api, newClient);
}

class Client {
  #api; #program; #closed = false; #calls = 0; #whenClosed;

  constructor(api, program) {
    this.#api = api;
    this.#program = program;
  }

  // call runs one exported Go function with a fresh call id, wiring the
  // AbortSignal to Go's context and every rejection to an IAPError.
  async #call(name, signal, ...args) {
    if (this.#closed) throw iapError('CLOSED', 'the client is closed');
    if (signal?.aborted) throw iapError('ABORTED', 'aborted before it started');
    const id = ++this.#calls;
    const onAbort = () => this.#api.cancel(id);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.#api[name](id, ...args);
    } catch (e) {
      throw toIAPError(e);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  // The calls: see goiap.d.ts for what each resolves with.
  buy(sku, { signal } = {}) { return this.#call('buy', signal, sku); }
  subscribe(sku, { offerId, signal } = {}) { return this.#call('subscribe', signal, sku, offerId ?? null); }
  products({ signal } = {}) { return this.#call('products', signal); }
  pendingOrders({ signal } = {}) { return this.#call('pendingOrders', signal); }
  recover({ signal } = {}) { return this.#call('recover', signal); }
  orders({ key, signal } = {}) { return this.#call('orders', signal, key ?? null); }
  subscriptionInfo(orderId, { signal } = {}) { return this.#call('subscriptionInfo', signal, orderId); }

  /** What the client holds: both 0 when idle. */
  stats() {
    // undefined once a closed client is done: it holds nothing.
    return this.#api.stats() ?? { inFlight: 0, liveCallbacks: 0, dropped: 0, panics: 0 };
  }

  /**
   * Diagnostics for bench/ and tests, not part of the API (a symbol key, so
   * it is not enumerable): program is the Go program's constructor (the same
   * for clients that share a program); memStats() resolves with Go's heap
   * after a GC.
   */
  [Symbol.for('goiap.debug')]() {
    return { program: this.#program, memStats: () => this.#api.memStats() };
  }

  /**
   * Closes the client: a call in flight rejects with CLOSED, and so does
   * every later call. Resolves once Go has closed it. Grants that had
   * started still finish; other clients are not touched.
   */
  close() {
    if (!this.#closed) {
      this.#closed = true;
      this.#whenClosed = Promise.resolve(this.#api.close()).then(() => {});
    }
    return this.#whenClosed;
  }
}
