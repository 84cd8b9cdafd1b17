// Types for goiap.js, the loader of the Go purchase client. The codes and
// the result shapes come from wire.gen.d.ts, generated from package bridge.
import type {
  Code, Result, Product, PendingOrder, OrdersPage, SubscriptionInfo, Recovery,
} from './wire.gen.js';

export type {
  Code, Result, Product, Offer, PendingOrder, Order, OrdersPage, SubscriptionInfo, Recovery, RecoveryFailure,
} from './wire.gen.js';
export { CODES } from './wire.gen.js';

/** main.wasm in any form load() accepts, or a promise of one the page started early (see preload). */
export type WasmSource = string | URL | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module
  | PromiseLike<string | URL | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module>;

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
  /**
   * Buys one product. Resolves with the SDK's result fields once the grant
   * answered true (only orderId and incomplete: true when the app's success
   * data was unusable); rejects with an IAPError otherwise.
   */
  buy(sku: string, opts?: CallOptions): Promise<PurchaseResult>;
  /** Buys a subscription, as buy(); the grant request also carries subscriptionId. */
  subscribe(sku: string, opts?: CallOptions & { offerId?: string }): Promise<PurchaseResult>;
  /** The products on sale. */
  products(opts?: CallOptions): Promise<Product[]>;
  /** Orders paid for and not yet granted. */
  pendingOrders(opts?: CallOptions): Promise<PendingOrder[]>;
  /**
   * Grants every pending order through grantURL and completes the granted
   * ones; call it on every entry. Failed orders stay pending.
   */
  recover(opts?: CallOptions): Promise<Recovery>;
  /** One page of completed and refunded orders. */
  orders(opts?: CallOptions & { key?: string }): Promise<OrdersPage>;
  /** A subscription order's state. */
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

/**
 * Starts fetching and compiling main.wasm now, and the Go program once it is
 * compiled, while the page does the rest of its start-up; pass the promise to
 * load({wasm}). A URL is fetched (and its module kept by URL); a fetch the
 * page already started is compiled while it streams.
 */
export function preload(wasm?: string | URL | Response | PromiseLike<Response>): Promise<WebAssembly.Module>;

/** An Error with a code, as every rejection from a client is. */
export function iapError(code: Code, message?: string, orderId?: string): IAPError;
