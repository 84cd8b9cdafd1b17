// chaos.js — seeded, reproducible faults for the simulated Toss app.
//
//   import { enableChaos } from './chaos.js';
//   const chaos = enableChaos(app, { seed: 42, repeatPurchased: 0.2 });
//   ... run purchases through the real SDK ...
//   chaos.disable(); await chaos.idle();
//   chaos.log  // { repeatPurchased: 3, delayEmit: 17, ... } faults injected, per kind
//
// It wraps an existing TossApp instance (web/sim/tossapp.js) without
// editing it: emit, receive and later become own properties of the
// instance, and onCheckout becomes an accessor that wraps whatever
// behaviour is assigned to it (so resetApp() and tests may keep assigning
// app.onCheckout). disable() puts the instance back as it was; replies
// already delayed still arrive (await idle() for them).
//
// Every decision comes from one seeded PRNG (mulberry32), so a run with the
// same seed and the same order of app events injects the same faults.
// reseed(n) restarts the PRNG, to give every flow of a test its own stream.
//
// Faults (rates are probabilities per opportunity, 0..1):
//   repeatPurchased   a purchased event is sent again (at once or later)
//   repeatSuccess     a success event is sent again (at once or later)
//   delayEmit         an event or reply is sent up to maxDelayMs late
//   delayMethod       a method is handled (and answered) up to maxDelayMs late;
//                     checkouts are handed to the user late, too
//   afterCleanup      after the page's removeEventListener, a stray purchased,
//                     success or error is sent for that eventId (synchronously,
//                     while the SDK is still removing its listeners, or later)
//   methodTwice       a method is answered twice (same answer, or resolve then
//                     reject)
//   methodNever       a method is never answered (the app did the work, the
//                     reply is lost): the SDK keeps its two listeners
//                     (<fn>/resolve/<id>, <fn>/reject/<id>) forever; see
//                     silenced
//   malformedEvent    a checkout first receives garbage: events of unknown
//                     type or shape, purchased for orders that do not exist,
//                     success with data of the wrong shape, or an error of any
//                     shape (then the checkout is over, as for the app)
//   malformedSuccess  pay() sends success data of the wrong shape
//   malformedReply    a method resolves with data of the wrong shape, or
//                     rejects with a non-Error (string, number, plain object,
//                     null)
//   malformedError    an error the app sends is replaced by another shape
//   hugeString        when a malformed value that may be a string is built:
//                     a ~1 MB string instead
//   giveUpGrant       the app stops waiting for a grant report at a random
//                     point before grantWaitMs: onError
//                     PRODUCT_NOT_GRANTED_BY_PARTNER with userInfo.orderId;
//                     the order stays pending
//   sdkThrow          a payload the SDK itself throws on in its async onEvent
//                     (null event, purchased without data): an unhandled
//                     rejection inside the SDK (see below)
//
// sdkThrow payloads end as unhandled rejections inside the SDK: its event
// listener calls an async onEvent and drops the promise, so nobody can
// catch them. One fault makes at most one rejection (none when the listener
// is already gone); a test that turns sdkThrow on must expect them (see
// web/test/property.test.js).

/** mulberry32: a small seeded PRNG; returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes numbers into one 32-bit seed (for per-flow streams). */
export function mixSeed(...parts) {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995) >>> 0;
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/** Default rates: every kind on, each rare enough that most flows finish. */
export const DEFAULT_RATES = Object.freeze({
  repeatPurchased: 0.15,
  repeatSuccess: 0.15,
  delayEmit: 0.15,
  delayMethod: 0.15,
  afterCleanup: 0.15,
  methodTwice: 0.05,
  methodNever: 0.02,
  malformedEvent: 0.08,
  malformedSuccess: 0.04,
  malformedReply: 0.04,
  malformedError: 0.08,
  hugeString: 0.15,
  giveUpGrant: 0.08,
  sdkThrow: 0.02,
});

/** The fault kinds, as counted in the log. */
export const KINDS = Object.freeze(Object.keys(DEFAULT_RATES));

const SDK_CODES = [
  'INVALID_PRODUCT_ID', 'PAYMENT_PENDING', 'NETWORK_ERROR', 'INVALID_USER_ENVIRONMENT',
  'ITEM_ALREADY_OWNED', 'APP_MARKET_VERIFICATION_FAILED', 'TOSS_SERVER_VERIFICATION_FAILED',
  'INTERNAL_ERROR', 'KOREAN_ACCOUNT_ONLY', 'USER_CANCELED', 'PRODUCT_NOT_GRANTED_BY_PARTNER',
];

let huge; // one ~1 MB string, made on first use and shared
function hugeString() {
  huge ??= `${'가나다abc\u0000"\\'.repeat(100)}`.repeat(1100).slice(0, 1 << 20);
  return huge;
}

const appErr = (code, message, orderId) => ({
  name: 'Error', message: message ?? code, code, userInfo: orderId ? { orderId } : {}, moduleName: 'IAP', __isError: true,
});

/**
 * Turns chaos on for app (a TossApp from createTossApp). opts: seed (default
 * 1), maxDelayMs (default 30), and any rate of DEFAULT_RATES to override.
 * Returns the handle: {log, rates, silenced, reseed(seed), leakedListenerNames(),
 * pending(), idle(), disable(), enabled}.
 */
export function enableChaos(app, opts = {}) {
  if (app.__chaos) throw new Error('chaos is already enabled on this app');
  const { seed = 1, maxDelayMs = 30, ...rest } = opts;
  for (const k of Object.keys(rest)) {
    if (!(k in DEFAULT_RATES)) throw new Error(`unknown chaos rate ${k}`);
  }
  const rates = { ...DEFAULT_RATES, ...rest };
  let rand = mulberry32(seed);
  let enabled = true;
  let stray = 0; // ids for orders that do not exist
  const timers = new Set();
  const idleWaiters = [];
  const log = Object.fromEntries(KINDS.map((k) => [k, 0]));
  /** `${fn}/${eventId}` of methods whose every reply was dropped: the SDK keeps 2 listeners for each. */
  const silenced = new Set();

  const chance = (kind) => enabled && rates[kind] > 0 && rand() < rates[kind];
  const fault = (kind) => { log[kind]++; };
  const int = (n) => Math.floor(rand() * n);
  const pick = (arr) => arr[int(arr.length)];
  const delay = () => 1 + int(maxDelayMs);
  // A ~1 MB string ending in fallback (so two ghost order ids stay distinct).
  const maybeHuge = (fallback) => {
    if (chance('hugeString')) { fault('hugeString'); return hugeString() + fallback; }
    return fallback;
  };

  const schedule = (fn, ms) => {
    const t = setTimeout(() => {
      timers.delete(t);
      try { fn(); } finally { if (timers.size === 0) for (const w of idleWaiters.splice(0)) w(); }
    }, ms);
    timers.add(t);
  };

  // deliver is what TossApp.emit does: the emitter is looked up now.
  const deliver = (name, payload) => { app.win.__GRANITE_NATIVE_EMITTER?.emit(name, payload); };

  const parse = (name) => {
    const m = /^(.*)\/(onEvent|onError|resolve|reject)\/([^/]*)$/.exec(name);
    return m ? { fn: m[1], kind: m[2], eventId: m[3] } : null;
  };

  // Malformed values.
  const garbageData = (orderId) => pick([
    () => null,
    () => 'data',
    () => 42,
    () => ({}),
    () => ({ orderId: 5 }),
    () => ({ orderId, displayName: 7, displayAmount: null, amount: '1100', currency: 'KRW', fraction: 0 }),
    () => ({ orderId, displayName: maybeHuge('x'), displayAmount: '1,100원', amount: Number.NaN, currency: 'KRW', fraction: 0.5 }),
    () => ({ orderId: maybeHuge(''), displayName: 'n', displayAmount: 'a', amount: 1, currency: 'KRW', fraction: 0 }),
    () => ({ orderId: `${orderId}-other`, displayName: 'n', displayAmount: 'a', amount: 1, currency: 'KRW', fraction: 0 }),
    () => [orderId],
    // Hostile values: the client must not crash or hang on them.
    () => new Proxy({}, { get() { throw new Error('hostile getter'); } }),
    () => Object.defineProperty({ orderId, displayName: 'n', displayAmount: 'a', currency: 'KRW', fraction: 0 }, 'amount', { get() { throw new Error('hostile getter'); }, enumerable: true }),
    () => ({ orderId, displayName: 'n', displayAmount: 'a', amount: 1n, currency: 'KRW', fraction: 0 }),
    () => { const d = { orderId, displayName: 'n', displayAmount: 'a', currency: 'KRW', fraction: 0 }; d.amount = d; return d; },
    () => ({ orderId: `${orderId}\ud800`, displayName: 'n', displayAmount: 'a', amount: 1, currency: 'KRW', fraction: 0 }),
  ])();
  const garbageError = () => pick([
    () => 'USER_CANCELED',
    () => 'something broke',
    () => maybeHuge('NETWORK_ERROR'),
    () => 42,
    () => null,
    () => undefined,
    () => ({ code: 'NETWORK_ERROR' }),
    () => ({ code: 7, message: { nested: true } }),
    () => ({ __isError: true, name: 'Error', message: maybeHuge('m'), code: 'INTERNAL_ERROR', userInfo: null }),
    () => ({ __isError: true, code: 'NOT_A_CODE', userInfo: { orderId: 12 } }),
    () => ({ __isError: true, code: pick(SDK_CODES), userInfo: 'nope' }),
    () => [1, 2, 3],
  ])();

  // A garbage emission at a checkout: [onEvent|onError, payload, terminal, sdkThrows].
  const garbageAtCheckout = (c) => {
    if (chance('sdkThrow')) {
      fault('sdkThrow');
      return ['onEvent', pick([null, undefined, { type: 'purchased' }, { type: 'purchased', data: null }]), false];
    }
    const ghost = `ghost-${++stray}`;
    return pick([
      () => ['onEvent', pick(['string', 42, {}, [], { type: 'unknown', data: {} }, { type: 7 }]), false],
      () => ['onEvent', { type: 'purchased', data: { orderId: pick([123, null, undefined, '', { id: 1 }]) } }, false],
      () => ['onEvent', { type: 'purchased', data: { orderId: maybeHuge(ghost) } }, false],
      () => ['onEvent', { type: 'success' }, true],
      () => ['onEvent', { type: 'success', data: garbageData(ghost) }, true],
      () => ['onEvent', { type: 'success', data: app.resultFor(ghost, c.sku) }, true],
      () => ['onError', garbageError(), true],
      () => ['onError', appErr(pick(SDK_CODES), 'ghost error', pick([ghost, undefined])), true],
    ])();
  };

  // emit: repeats, delays, drops, malformed replacements.
  const emit = function chaosEmit(name, payload) {
    const p = parse(name);
    if (!enabled || !p) return deliver(name, payload);
    let sends = [[name, payload]];
    if (p.kind === 'resolve' || p.kind === 'reject') {
      const key = `${p.fn}/${p.eventId}`;
      if (silenced.has(key)) return undefined; // never means never
      if (chance('methodNever')) {
        fault('methodNever');
        silenced.add(key);
        return undefined;
      }
      if (chance('malformedReply')) {
        fault('malformedReply');
        sends = rand() < 0.5
          ? [[`${p.fn}/resolve/${p.eventId}`, pick([null, undefined, 'ok', 0, false, { orders: 'x' }, { orders: [{ orderId: 5 }] }, { orders: [{ orderId: maybeHuge(`ghost-${++stray}`), sku: 'item_coin_100' }] }, { products: null }, []])]]
          : [[`${p.fn}/reject/${p.eventId}`, garbageError()]];
      }
      if (chance('methodTwice')) {
        fault('methodTwice');
        sends.push(rand() < 0.5 ? sends[0] : [`${p.fn}/reject/${p.eventId}`, appErr('INTERNAL_ERROR', 'second answer')]);
      }
    } else if (p.kind === 'onEvent') {
      const type = payload?.type;
      if (type === 'success' && chance('repeatSuccess')) { fault('repeatSuccess'); sends.push([name, payload]); }
      if (type === 'purchased' && chance('repeatPurchased')) {
        fault('repeatPurchased');
        sends.push([name, payload]);
        if (rand() < 0.3) sends.push([name, payload]);
      }
    } else if (p.kind === 'onError' && chance('malformedError')) {
      fault('malformedError');
      sends = [[name, garbageError()]];
    }
    sends.forEach(([n, v], i) => {
      if (chance('delayEmit')) { fault('delayEmit'); schedule(() => deliver(n, v), delay()); } else if (i > 0 && rand() < 0.5) schedule(() => deliver(n, v), delay());
      else deliver(n, v);
    });
    return undefined;
  };

  // receive: strays after cleanup.
  const receive = function chaosReceive(json) {
    let msg;
    try { msg = JSON.parse(json); } catch { msg = null; }
    const r = orig.receive.call(app, json);
    if (enabled && msg?.type === 'removeEventListener' && chance('afterCleanup')) {
      fault('afterCleanup');
      const base = `${msg.functionName}/`;
      const order = app.orders.get(`${app.prefix}-${app.seq}`); // the latest order, if still there
      const id = order?.orderId ?? `ghost-${++stray}`;
      const [kind, v] = pick([
        ['onEvent', { type: 'purchased', data: { orderId: id } }],
        ['onEvent', { type: 'success', data: app.resultFor(id, order?.sku ?? 'item_coin_100') }],
        ['onError', appErr('PRODUCT_NOT_GRANTED_BY_PARTNER', 'late', id)],
        ['onError', appErr('USER_CANCELED', 'late')],
      ]);
      const name = `${base}${kind}/${msg.eventId}`;
      if (rand() < 0.5) deliver(name, v); // while the SDK is still inside its cleanup
      else schedule(() => deliver(name, v), delay());
    }
    return r;
  };

  // later: late method handling, early give-ups on grants.
  const later = function chaosLater(fn, ms) {
    let wait = ms ?? app.latencyMs;
    if (enabled) {
      if (wait === app.grantWaitMs && wait > 0) {
        if (chance('giveUpGrant')) { fault('giveUpGrant'); wait = int(wait); }
      } else if (chance('delayMethod')) {
        fault('delayMethod');
        wait += delay();
      }
    }
    return orig.later.call(app, fn, wait);
  };

  // onCheckout: garbage first, malformed success data, no paying on a closed sheet.
  const wrapCheckout = (inner) => function chaosCheckout(c) {
    if (!enabled) return inner(c);
    if (c.kind !== 'legacy' && chance('malformedEvent')) {
      fault('malformedEvent');
      const [kind, payload, terminal] = garbageAtCheckout(c);
      deliver(`${c.event}/${kind}/${c.eventId}`, payload);
      if (terminal) { c.finish(); c.open = false; return undefined; }
    }
    if (!c.open) return undefined; // the page left the sheet: nobody can pay on it
    if (chance('malformedSuccess')) {
      fault('malformedSuccess');
      const pay = c.pay.bind(c);
      c.pay = (o = {}) => pay({ ...o, result: (d) => garbageData(d.orderId) });
    }
    return inner(c);
  };

  const own = (k) => Object.getOwnPropertyDescriptor(app, k);
  const orig = {
    emit: app.emit, receive: app.receive, later: app.later,
    desc: { emit: own('emit'), receive: own('receive'), later: own('later'), onCheckout: own('onCheckout') },
  };
  let inner = app.onCheckout;
  let wrapped = wrapCheckout(inner);
  Object.defineProperty(app, 'emit', { value: emit, configurable: true, writable: true });
  Object.defineProperty(app, 'receive', { value: receive, configurable: true, writable: true });
  Object.defineProperty(app, 'later', { value: later, configurable: true, writable: true });
  Object.defineProperty(app, 'onCheckout', {
    configurable: true,
    enumerable: true,
    get: () => wrapped,
    set: (fn) => { inner = fn; wrapped = wrapCheckout(fn); },
  });
  app.__chaos = true;

  const restore = (k) => {
    if (orig.desc[k]) Object.defineProperty(app, k, orig.desc[k]);
    else delete app[k];
  };

  return {
    log,
    rates,
    silenced,
    get enabled() { return enabled; },
    /** Restarts the PRNG: a new, reproducible stream. */
    reseed(s) { rand = mulberry32(s); },
    /** Chaos timers (delayed replies, strays) not yet fired. */
    pending: () => timers.size,
    /** Resolves once no chaos timer is pending. */
    idle: () => (timers.size === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r))),
    /** SDK listeners that never-answered methods leave behind: 2 each. */
    leakedListenerNames: () => [...silenced].flatMap((k) => {
      const i = k.lastIndexOf('/');
      return [`${k.slice(0, i)}/resolve/${k.slice(i + 1)}`, `${k.slice(0, i)}/reject/${k.slice(i + 1)}`];
    }),
    /** Total faults injected. */
    total: () => Object.values(log).reduce((a, b) => a + b, 0),
    /** Stops injecting faults and restores the app; delayed replies still arrive. */
    disable() {
      if (!enabled) return;
      enabled = false;
      restore('emit');
      restore('receive');
      restore('later');
      const current = inner;
      restore('onCheckout');
      app.onCheckout = current;
      delete app.__chaos;
    },
  };
}
