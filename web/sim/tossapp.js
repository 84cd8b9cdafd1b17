// tossapp.js — a simulated Toss app: the native side of the Apps in Toss
// bridge, for local runs and tests. The real SDK (@apps-in-toss/web-bridge)
// runs unchanged on top of it; only the app is simulated.
//
// It speaks the SDK's transport: the page posts JSON messages through
// window.ReactNativeWebView.postMessage; the app answers by calling
// window.__GRANITE_NATIVE_EMITTER.emit(name, payload), looked up at every
// reply because importing the SDK replaces the emitter; constants live in
// window.__CONSTANT_HANDLER_MAP.
//
// A checkout is handed to app.onCheckout (default: pay at once), which
// decides what the user does: checkout.pay(), .cancel(), .fail(code).
//
// Orders live in memory, so a reload loses them. Pass opts.storage (any
// object with getItem/setItem, e.g. localStorage) to keep them, and the
// order counter, under opts.storageKey (default STORAGE_KEY): a page that
// reloads then finds its pending orders again, as in the real app.
//
// opts.backend (optional) connects the app to a Toss API simulator behind
// the partner's server, so that the server can verify what the page says:
//   backend.login({userKey})   → {authorizationCode, referrer, userKey}:
//                                appLogin() answers with the code; the app
//                                remembers the user (0: none yet)
//   backend.order({sku, userKey}) → orderId: Pay registers a paid order
//                                with Toss for that user and uses its id
// Without it, appLogin() answers a made-up code and order ids are local.

const SDK_CODES = [
  'INVALID_PRODUCT_ID', 'PAYMENT_PENDING', 'NETWORK_ERROR', 'INVALID_USER_ENVIRONMENT',
  'ITEM_ALREADY_OWNED', 'APP_MARKET_VERIFICATION_FAILED', 'TOSS_SERVER_VERIFICATION_FAILED',
  'INTERNAL_ERROR', 'KOREAN_ACCOUNT_ONLY', 'USER_CANCELED', 'PRODUCT_NOT_GRANTED_BY_PARTNER',
];
export { SDK_CODES };

// Codes that come after the money moved: the error carries the order id.
export const AFTER_PAYMENT_CODES = ['APP_MARKET_VERIFICATION_FAILED', 'TOSS_SERVER_VERIFICATION_FAILED', 'PRODUCT_NOT_GRANTED_BY_PARTNER'];

/** The minimum app versions the SDK 2.10.8 checks, per platform. */
export const MIN_VERSIONS = Object.freeze({
  purchase: { android: '5.219.0', ios: '5.219.0' },
  grantReport: { android: '5.231.1', ios: '5.230.0' },
  iapGetProductItemList: { android: '5.219.0', ios: '5.219.0' },
  getPendingOrders: { android: '5.234.0', ios: '5.231.0' },
  completeProductGrant: { android: '5.233.0', ios: '5.233.0' },
  getCompletedOrRefundedOrders: { android: '5.231.0', ios: '5.231.0' },
  subscription: { android: '5.248.0', ios: '5.249.0' },
  getSubscriptionInfo: { android: '5.248.0', ios: '5.249.0' },
});

export const DEFAULT_PRODUCTS = Object.freeze([
  { sku: 'item_coin_100', type: 'CONSUMABLE', displayName: '코인 100개', displayAmount: '1,100원', amount: 1100, iconUrl: 'https://static.toss.im/icons/coin.png', description: 'Coins for the game' },
  { sku: 'item_remove_ads', type: 'NON_CONSUMABLE', displayName: '광고 제거', displayAmount: '3,300원', amount: 3300, iconUrl: 'https://static.toss.im/icons/no-ads.png', description: 'No more ads' },
  {
    sku: 'sub_premium_monthly', type: 'SUBSCRIPTION', displayName: '프리미엄 월간', displayAmount: '4,900원', amount: 4900, iconUrl: 'https://static.toss.im/icons/premium.png', description: 'Premium, every month', renewalCycle: 'MONTHLY',
    offers: [
      { type: 'FREE_TRIAL', offerId: 'offer_trial_7d', period: 'P7D' },
      { type: 'NEW_SUBSCRIPTION', offerId: 'offer_new_50', period: 'P1M', displayAmount: '2,450원' },
      { type: 'RETURNING', offerId: 'offer_back_30', period: 'P1M', displayAmount: '3,430원' },
    ],
  },
]);

/** Where createTossApp({storage}) keeps its orders by default. */
export const STORAGE_KEY = 'goiap.sim.orders';

/** Compares dotted versions as the SDK does (numeric segments). */
export function compareVersions(a, b) {
  const pa = String(a).split('-')[0].split('.').map(Number);
  const pb = String(b).split('-')[0].split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d !== 0) return d > 0 ? 1 : -1;
  }
  return 0;
}

/** An error as the app sends it; the SDK rebuilds an Error from it. */
export function appError(code, message, orderId) {
  return {
    name: 'Error', message: message ?? `${code}`, code,
    userInfo: orderId ? { orderId } : {}, moduleName: 'IAP', __isError: true,
  };
}

/**
 * Installs a simulated Toss app on win (default globalThis). Install it
 * before importing the SDK, whose calls read the constants it sets.
 */
export function createTossApp(opts = {}) {
  const win = opts.window ?? globalThis;
  const app = new TossApp(win, opts);
  win.ReactNativeWebView = { postMessage: (json) => app.receive(json) };
  win.__CONSTANT_HANDLER_MAP = app.constants;
  return app;
}

class TossApp {
  constructor(win, opts) {
    this.win = win;
    this.constants = {};
    this.setApp({ version: opts.version ?? '5.240.0', os: opts.os ?? 'ios', environment: opts.environment ?? 'toss' });
    this.latencyMs = opts.latencyMs ?? 0;
    this.grantWaitMs = opts.grantWaitMs ?? 30000;
    this.belowMinimum = opts.belowMinimum ?? 'undefined'; // or 'never': how a method below its version answers
    this.products = structuredClone(opts.products ?? DEFAULT_PRODUCTS);
    this.onCheckout = opts.onCheckout ?? ((checkout) => checkout.pay());
    this.orders = new Map(); // orderId → {orderId, sku, status, paymentCompletedDate, date, subscriptionId}
    this.messages = []; // every message the page posted, parsed
    this.checkouts = new Map(); // eventId → Checkout, while open
    this.methodHooks = {}; // functionName → (args) => value, to script a method
    this.seq = 0;
    this.prefix = opts.orderPrefix ?? `ord-${Math.random().toString(36).slice(2, 8)}`;
    this.timers = new Set();
    this.storage = opts.storage ?? null;
    this.storageKey = opts.storageKey ?? STORAGE_KEY;
    this.backend = opts.backend ?? null;
    this.userKey = 0; // the Toss user the app is logged in as, once known
    this.restore();
  }

  /** Reads the orders opts.storage kept; bad or missing data means none. */
  restore() {
    if (!this.storage) return;
    let saved;
    try { saved = JSON.parse(this.storage.getItem(this.storageKey) ?? 'null'); } catch { saved = null; }
    if (!saved || !Array.isArray(saved.orders)) return;
    for (const o of saved.orders) {
      if (o && typeof o.orderId === 'string') this.orders.set(o.orderId, o);
    }
    if (Number.isInteger(saved.seq) && saved.seq > this.seq) this.seq = saved.seq;
    if (Number.isSafeInteger(saved.userKey) && saved.userKey > 0) this.userKey = saved.userKey;
  }

  /** Writes the orders to opts.storage, if given (functions are left out). */
  save() {
    if (!this.storage) return;
    const orders = [...this.orders.values()].map(({ onReport, ...o }) => o);
    try {
      this.storage.setItem(this.storageKey, JSON.stringify({ seq: this.seq, orders, ...(this.userKey ? { userKey: this.userKey } : {}) }));
    } catch { /* full or refused: the orders stay in memory */ }
  }

  /** Forgets every order, in memory and in opts.storage. */
  clearOrders() {
    this.orders.clear();
    this.save();
  }

  setApp({ version, os, environment }) {
    if (version !== undefined) this.constants.getTossAppVersion = version;
    if (os !== undefined) this.constants.getPlatformOS = os;
    if (environment !== undefined) this.constants.getOperationalEnvironment = environment;
  }

  /** Whether the app meets a minimum, the way the SDK decides it. */
  meets(min) {
    if (this.constants.getOperationalEnvironment === 'sandbox') return true;
    const want = this.constants.getPlatformOS === 'ios' ? min.ios : min.android;
    return compareVersions(this.constants.getTossAppVersion, want) >= 0;
  }

  newOrderId() { return `${this.prefix}-${++this.seq}`; }

  /** SDK listeners registered on the page's emitter. */
  listenerCount() {
    const events = this.win.__GRANITE_NATIVE_EMITTER?.events ?? {};
    return Object.values(events).reduce((n, cbs) => n + (cbs?.length ?? 0), 0);
  }

  pendingOrders() { return [...this.orders.values()].filter((o) => o.status === 'PENDING'); }

  /** Runs fn after ms (a microtask at 0); returns a function that cancels it. */
  later(fn, ms = this.latencyMs) {
    if (ms <= 0) {
      let live = true;
      queueMicrotask(() => { if (live) fn(); });
      return () => { live = false; };
    }
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, ms);
    this.timers.add(t);
    return () => { clearTimeout(t); this.timers.delete(t); };
  }

  /** Stops every timer the app started (grant waits, delayed replies). */
  dispose() { for (const t of this.timers) clearTimeout(t); this.timers.clear(); }

  emit(name, payload) {
    // Looked up now: the SDK replaces the emitter when it is imported.
    this.win.__GRANITE_NATIVE_EMITTER?.emit(name, payload);
  }

  receive(json) {
    const msg = JSON.parse(json);
    this.messages.push(msg);
    switch (msg.type) {
      case 'addEventListener': return this.addListener(msg);
      case 'removeEventListener': {
        const c = this.checkouts.get(msg.eventId);
        if (c) { c.open = false; this.checkouts.delete(msg.eventId); c.onClose?.(); }
        return undefined;
      }
      case 'method': return this.later(() => this.method(msg));
      default: return undefined;
    }
  }

  addListener(msg) {
    const kind = { requestOneTimePurchase: 'one-time', requestSubscriptionPurchase: 'subscription' }[msg.functionName];
    if (!kind) return;
    const c = new Checkout(this, { kind, eventId: msg.eventId, event: msg.functionName, sku: msg.args?.sku, offerId: msg.args?.offerId ?? null });
    this.checkouts.set(msg.eventId, c);
    this.later(() => this.onCheckout(c));
  }

  answer(msg, fn) {
    const ok = (v) => this.emit(`${msg.functionName}/resolve/${msg.eventId}`, v);
    const fail = (e) => this.emit(`${msg.functionName}/reject/${msg.eventId}`, e);
    try {
      const v = fn();
      if (v && typeof v.then === 'function') v.then(ok, fail); else ok(v);
    } catch (e) {
      fail(e && e.__isError ? e : appError('INTERNAL_ERROR', String(e?.message ?? e)));
    }
  }

  method(msg) {
    const args = Array.isArray(msg.args) ? msg.args : [];
    const hook = this.methodHooks[msg.functionName];
    if (hook) return this.answer(msg, () => hook(args, msg));
    const min = MIN_VERSIONS[msg.functionName];
    if (min && !this.meets(min)) {
      if (this.belowMinimum === 'never') return undefined;
      return this.answer(msg, () => undefined);
    }
    switch (msg.functionName) {
      case 'processProductGrant': return this.answer(msg, () => this.grantReport(args[0]));
      case 'appLogin': return this.answer(msg, () => this.login());
      case 'iapCreateOneTimePurchaseOrder': {
        // The legacy path: the method resolves with the result once paid.
        const c = new Checkout(this, { kind: 'legacy', eventId: msg.eventId, event: msg.functionName, sku: args[0]?.productId, msg });
        this.checkouts.set(msg.eventId, c);
        return this.onCheckout(c);
      }
      case 'iapGetProductItemList': return this.answer(msg, () => ({ products: structuredClone(this.products) }));
      case 'getPendingOrders': return this.answer(msg, () => ({
        orders: this.pendingOrders().map(({ orderId, sku, paymentCompletedDate }) => ({ orderId, sku, paymentCompletedDate, store: 'SIM' })),
      }));
      case 'completeProductGrant': return this.answer(msg, () => {
        const o = this.orders.get(args[0]?.params?.orderId);
        if (!o) throw appError('INVALID_PRODUCT_ID', 'no such order');
        o.status = 'COMPLETED';
        o.date = new Date().toISOString().slice(0, 19);
        this.save();
        return true;
      });
      case 'getCompletedOrRefundedOrders': return this.answer(msg, () => this.completedPage(args[0]?.key));
      case 'getSubscriptionInfo': return this.answer(msg, () => {
        const o = this.orders.get(args[0]?.params?.orderId);
        if (!o || !o.subscriptionId) throw appError('INVALID_PRODUCT_ID', 'no such subscription');
        return { subscription: { catalogId: 1001, status: 'ACTIVE', expiresAt: '2026-12-25T00:00:00', isAutoRenew: true, gracePeriodExpiresAt: null, isAccessible: true } };
      });
      default: return this.answer(msg, () => { throw appError('INTERNAL_ERROR', `unknown method ${msg.functionName}`); });
    }
  }

  completedPage(key, pageSize = 2) {
    const all = [...this.orders.values()].filter((o) => o.status === 'COMPLETED' || o.status === 'REFUNDED');
    const start = key ? Number(key) : 0;
    const page = all.slice(start, start + pageSize);
    const hasNext = start + pageSize < all.length;
    return {
      hasNext, nextKey: hasNext ? String(start + pageSize) : null,
      orders: page.map(({ orderId, sku, status, date }) => ({ orderId, sku, status, date })),
    };
  }

  /** appLogin(): a code from opts.backend, or a made-up one. */
  login() {
    if (!this.backend?.login) return { authorizationCode: `sim-code-${++this.seq}`, referrer: 'SANDBOX' };
    return Promise.resolve(this.backend.login({ userKey: this.userKey })).then((r) => {
      if (Number.isSafeInteger(r?.userKey) && r.userKey > 0) this.userKey = r.userKey;
      this.save();
      return { authorizationCode: r.authorizationCode, referrer: r.referrer };
    }, (e) => { throw appError('INTERNAL_ERROR', `login: ${e?.message ?? e}`); });
  }

  /**
   * The id for a new paid order: from opts.backend (registered with Toss
   * for the app's user), else a local one. Resolves with undefined when the
   * backend fails.
   */
  async paidOrderId(sku) {
    if (!this.backend?.order) return this.newOrderId();
    try {
      const id = await this.backend.order({ sku, userKey: this.userKey });
      return typeof id === 'string' && id ? id : undefined;
    } catch {
      return undefined;
    }
  }

  /** Marks a completed order refunded (the refund itself is Toss's). */
  refund(orderId) {
    const o = this.orders.get(orderId);
    if (!o) return false;
    o.status = 'REFUNDED';
    o.date = new Date().toISOString().slice(0, 19);
    this.save();
    return true;
  }

  grantReport(report) {
    const o = this.orders.get(report?.orderId);
    if (!o) throw appError('INVALID_PRODUCT_ID', 'no such order');
    o.reports = (o.reports ?? 0) + 1;
    o.onReport?.(report.isProductGranted === true);
    this.save();
    return true;
  }

  /** Records a paid order (pending until granted and reported). */
  addOrder(sku, extra = {}) {
    const orderId = extra.orderId ?? this.newOrderId();
    const order = { orderId, sku, status: 'PENDING', paymentCompletedDate: new Date().toISOString().slice(0, 19), ...extra };
    this.orders.set(orderId, order);
    this.save();
    return order;
  }

  resultFor(orderId, sku) {
    const p = this.products.find((x) => x.sku === sku);
    return {
      orderId, displayName: p?.displayName ?? sku, displayAmount: p?.displayAmount ?? '1,000원',
      amount: p?.amount ?? 1000, currency: 'KRW', fraction: 0, miniAppIconUrl: 'https://static.toss.im/icons/app.png',
    };
  }
}

/** One checkout sheet: what the user does next is up to the script. */
class Checkout {
  constructor(app, fields) {
    this.app = app;
    Object.assign(this, fields);
    this.open = true;
    this.settled = false;
  }

  get product() { return this.app.products.find((p) => p.sku === this.sku); }

  /** Sends an onEvent payload as is (for malformed data). */
  emitEvent(payload) { this.app.emit(`${this.event}/onEvent/${this.eventId}`, payload); }

  /** Sends an onError payload as is (plain objects, strings, anything). */
  emitError(payload) {
    if (this.kind === 'legacy') this.app.emit(`${this.event}/reject/${this.eventId}`, payload);
    else this.app.emit(`${this.event}/onError/${this.eventId}`, payload);
  }

  finish() { this.settled = true; if (this.kind === 'legacy') this.app.checkouts.delete(this.eventId); }

  /**
   * The user pays. Resolves with {order, granted}. On the current path the
   * app sends purchased, waits for the grant report (up to grantWaitMs),
   * then success or PRODUCT_NOT_GRANTED_BY_PARTNER; the order stays
   * pending unless granted. result replaces the success data, or maps it
   * when a function.
   */
  pay({ repeatPurchased = 1, result, orderId } = {}) {
    if (!this.product) return this.fail('INVALID_PRODUCT_ID', { message: `no product ${this.sku}` });
    if (orderId === undefined && this.app.backend?.order) {
      // The order is Toss's: ask the backend for it, then pay with its id.
      return this.app.paidOrderId(this.sku).then((id) => (id
        ? this.pay({ repeatPurchased, result, orderId: id })
        : this.fail('INTERNAL_ERROR', { message: 'the simulated Toss API did not register the order', afterPayment: false })));
    }
    const sub = this.kind === 'subscription' ? { subscriptionId: `sub-${this.app.seq + 1}` } : {};
    const order = this.app.addOrder(this.sku, orderId ? { ...sub, orderId } : sub);
    const standard = this.app.resultFor(order.orderId, this.sku);
    // result: the data to send as is, or a function of the standard data
    // (to send it malformed: (d) => ({...d, amount: '1100'})).
    const data = typeof result === 'function' ? result(standard) : (result ?? standard);
    if (this.kind === 'legacy') {
      this.finish();
      order.status = 'COMPLETED'; // the legacy app has no grant report to wait for
      order.date = new Date().toISOString().slice(0, 19); // completed orders carry a date
      this.app.save();
      this.app.emit(`${this.event}/resolve/${this.eventId}`, data);
      return Promise.resolve({ order, granted: undefined });
    }
    return new Promise((resolve) => {
      let done = false;
      let stopWaiting = () => {};
      const end = (granted) => {
        if (done) return;
        done = true;
        stopWaiting();
        this.finish();
        if (granted) {
          order.status = 'COMPLETED';
          order.date = new Date().toISOString().slice(0, 19);
          this.app.save();
          this.emitEvent({ type: 'success', data });
        } else {
          this.emitError(appError('PRODUCT_NOT_GRANTED_BY_PARTNER', 'the partner did not grant the product', order.orderId));
        }
        resolve({ order, granted });
      };
      order.onReport = end;
      stopWaiting = this.app.later(() => end(false), this.app.grantWaitMs);
      for (let i = 0; i < repeatPurchased; i++) {
        this.emitEvent({ type: 'purchased', data: { orderId: order.orderId, ...sub } });
      }
    });
  }

  /** The user leaves the sheet. */
  cancel() { return this.fail('USER_CANCELED', { message: 'the user canceled' }); }

  /**
   * The payment fails with code. afterPayment (default: for the codes that
   * come after the money moved) records a pending order and puts its id in
   * userInfo.orderId.
   */
  fail(code, { message, afterPayment = AFTER_PAYMENT_CODES.includes(code), orderId: given } = {}) {
    if (afterPayment && given === undefined && this.app.backend?.order) {
      // The money moved: the order is Toss's, registered by the backend.
      return this.app.paidOrderId(this.sku).then((id) => this.fail(code, { message, afterPayment: !!id, orderId: id }));
    }
    let orderId;
    if (afterPayment) orderId = this.app.addOrder(this.sku, given ? { orderId: given } : {}).orderId;
    this.finish();
    this.emitError(appError(code, message ?? `simulated ${code}`, orderId));
    return Promise.resolve({ orderId });
  }
}
