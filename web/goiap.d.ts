// goiap.d.ts — the types of goiap.js, the loader of the Go purchase client.

/** Every code a rejection can carry. */
export type IAPErrorCode =
  | 'INVALID_PRODUCT_ID' | 'PAYMENT_PENDING' | 'NETWORK_ERROR' | 'INVALID_USER_ENVIRONMENT'
  | 'ITEM_ALREADY_OWNED' | 'APP_MARKET_VERIFICATION_FAILED' | 'TOSS_SERVER_VERIFICATION_FAILED'
  | 'INTERNAL_ERROR' | 'KOREAN_ACCOUNT_ONLY' | 'USER_CANCELED' | 'PRODUCT_NOT_GRANTED_BY_PARTNER'
  | 'INVALID_SKU' | 'PURCHASE_IN_PROGRESS' | 'UNSUPPORTED_APP_VERSION' | 'SDK_UNAVAILABLE'
  | 'ABORTED' | 'CLOSED' | 'INVALID_RESPONSE' | 'UNKNOWN';

export declare const CODES: readonly IAPErrorCode[];

/** Every rejection of a client: an Error with a code, and the order id when an order is known. */
export interface IAPError extends Error {
  name: 'IAPError';
  code: IAPErrorCode;
  orderId?: string;
}

export declare function iapError(code: IAPErrorCode, message?: string, orderId?: string): IAPError;

export interface LoadOptions {
  /** The SDK module namespace: `import * as sdk from '@apps-in-toss/web-framework'`. */
  sdk: object;
  /** main.wasm; default: the one next to goiap.js. */
  wasm?: string | URL | Response | ArrayBuffer | ArrayBufferView | WebAssembly.Module;
  /** The partner grant endpoint, default '/api/grant'. */
  grantURL?: string;
  /** Default 25000 (the Toss app gives up at 30 s). */
  grantTimeoutMs?: number;
  /** Default globalThis.fetch. */
  fetch?: typeof fetch;
}

export interface CallOptions { signal?: AbortSignal }

export interface PurchaseResult {
  orderId: string;
  displayName: string;
  displayAmount: string;
  amount: number;
  currency: string;
  fraction: number;
  miniAppIconUrl: string;
}

export interface Offer { type: string; offerId: string; period: string; displayAmount?: string }

export interface Product {
  sku: string;
  type: 'CONSUMABLE' | 'NON_CONSUMABLE' | 'SUBSCRIPTION' | (string & {});
  displayName: string;
  displayAmount: string;
  iconUrl: string;
  description: string;
  renewalCycle?: string;
  offers?: Offer[];
}

export interface PendingOrder { orderId: string; sku: string; paymentCompletedDate: string }

export interface RecoverResult { granted: string[]; failed: { orderId: string; code: IAPErrorCode }[] }

export interface Order { orderId: string; sku: string; status: string; date: string }

export interface OrderPage { hasNext: boolean; nextKey: string | null; orders: Order[] }

export interface SubscriptionInfo {
  catalogId: number;
  status: string;
  expiresAt: string | null;
  isAutoRenew: boolean;
  gracePeriodExpiresAt: string | null;
  isAccessible: boolean;
}

export interface Stats { inFlight: number; liveCallbacks: number; dropped: number; panics: number }

export interface Client {
  buy(sku: string, opts?: CallOptions): Promise<PurchaseResult>;
  subscribe(sku: string, opts?: CallOptions & { offerId?: string }): Promise<PurchaseResult>;
  products(opts?: CallOptions): Promise<Product[]>;
  pendingOrders(opts?: CallOptions): Promise<PendingOrder[]>;
  recover(opts?: CallOptions): Promise<RecoverResult>;
  orders(opts?: CallOptions & { key?: string }): Promise<OrderPage>;
  subscriptionInfo(orderId: string, opts?: CallOptions): Promise<SubscriptionInfo>;
  stats(): Stats;
  close(): Promise<void>;
}

/** Makes one client; several may live side by side. */
export declare function load(opts: LoadOptions): Promise<Client>;
