// Types for goiap.js, the loader of the Go purchase client. The codes and
// the result shapes come from wire.gen.d.ts, generated from package bridge.
import type { Code, Result, Product, PendingOrder, OrdersPage, SubscriptionInfo } from './wire.gen.js';

export type { Code, Result, Product, Offer, PendingOrder, Order, OrdersPage, SubscriptionInfo } from './wire.gen.js';
export { CODES } from './wire.gen.js';

/** main.wasm in any form load() accepts. */
export type WasmSource = string | URL | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

export interface LoadOptions {
  /** main.wasm; default: next to goiap.js. */
  wasm?: WasmSource;
  /** The SDK module namespace: its IAP and isMinVersionSupported are used. */
  sdk: unknown;
  /** The partner grant endpoint, default '/api/grant'. */
  grantURL?: string;
  /** How long a grant may take, default 25000 (the Toss app gives up at 30 s). */
  grantTimeoutMs?: number;
  /** Default globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
}

/** A purchase whose grant answered true but whose success data was unusable. */
export interface IncompleteResult {
  orderId: string;
  incomplete: true;
}

/** What buy() and subscribe() resolve with. */
export type PurchaseResult = Result | IncompleteResult;

export interface Recovery {
  /** Granted and completed. */
  granted: string[];
  /** Still pending; the next recover() tries them again. */
  failed: { orderId: string; code: Code }[];
}

export interface Stats {
  inFlight: number;
  liveCallbacks: number;
  dropped: number;
  panics: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface Client {
  buy(sku: string, opts?: CallOptions): Promise<PurchaseResult>;
  subscribe(sku: string, opts?: CallOptions & { offerId?: string }): Promise<PurchaseResult>;
  products(opts?: CallOptions): Promise<Product[]>;
  pendingOrders(opts?: CallOptions): Promise<PendingOrder[]>;
  recover(opts?: CallOptions): Promise<Recovery>;
  orders(opts?: CallOptions & { key?: string }): Promise<OrdersPage>;
  subscriptionInfo(orderId: string, opts?: CallOptions): Promise<SubscriptionInfo>;
  /** What the client holds: inFlight and liveCallbacks are 0 when idle. */
  stats(): Stats;
  /** Later calls reject with CLOSED; other clients are not touched. */
  close(): Promise<void>;
}

/** Every rejection: an Error with a code, and the order id when one is known. */
export interface IAPError extends Error {
  name: 'IAPError';
  code: Code;
  orderId?: string;
}

/** Makes one client; clients share one Go program. */
export function load(opts: LoadOptions): Promise<Client>;

/** An Error with a code, as every rejection from a client is. */
export function iapError(code: Code, message?: string, orderId?: string): IAPError;
