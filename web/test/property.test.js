// property.test.js — N seeded purchase flows through the real SDK and the
// real main.wasm, against a simulated Toss app with chaos on (see
// web/sim/chaos.js), a grant server that fails on purpose, random aborts
// and random close() calls.
//
//   GOIAP_FLOWS=2000 (default) GOIAP_SEED=<n> node --test web/test/property.test.js
//
// The seed is printed at the start and on every failure, with the flow
// index: rerun with the same GOIAP_SEED and GOIAP_FLOWS (and
// GOIAP_STOP=<index+1> to stop right after the failing flow).
// GOIAP_CHAOS='{"methodNever":0}' overrides chaos rates; GOIAP_VERBOSE=1
// prints every flow's plan and where the time went. Every decision of flow i (what the user
// does, what the server answers, when to abort or close, which faults the
// app injects) comes from a PRNG seeded with mixSeed(seed, i), so a flow's
// decisions do not depend on how earlier flows went; timing (the event
// loop, the network) is the only other input.
//
// Properties, checked after every flow and at the end:
//  P1  every buy() settles exactly once (within FLOW_DEADLINE_MS), with a
//      well-formed result or an Error whose .code is in CODES (and .orderId,
//      when present, a non-empty string); a buy that rejects after this
//      client POSTed a grant (outside any recover()) during it carries an
//      .orderId.
//      A resolved buy's order was answered granted:true by the server to
//      this client, and the app holds it COMPLETED. Flows are one-time
//      purchases on the current path, subscriptions (subscribe(), same
//      checks), and a few one-time purchases on the legacy path (app
//      5.229.0).
//  P2  grants are not repeated. For one client C and one order X, let
//      p1, p2, ... be C's POSTs of X to the grant endpoint in the order they
//      started. Then:
//        (a) at most one of them starts while no C.recover() call is pending
//            (the purchase path grants an order once, however often the app
//            repeats "purchased"); every other one starts while a
//            C.recover() call is pending;
//        (b) pk starts only after every earlier pj has ended (its fetch
//            settled or its AbortSignal fired): never two at once;
//        (c) pk never follows a pj whose 2xx {"granted":true} body reached C
//            at least GRANT_MARGIN_MS before pj's grant deadline (C knew X
//            was granted). A body that came closer to the deadline than that
//            is ambiguous (Go may have timed out first) and allows a retry.
//      So a second POST by one client comes from recover(), after grants
//      that were refused or failed. One interleaving is allowed on purpose:
//      when a recover() of C tried X (X was pending: paid, its "purchased"
//      not yet delivered) and was refused or failed, the purchase's own
//      grant of X, when "purchased" arrives, still asks once (it is the
//      purchase path's only POST, and it follows failures only). Which of
//      C's paths made a POST cannot be seen from outside while both run, so
//      (a) counts POSTs by time, not by path. POSTs by different clients
//      are not compared (a new client cannot know what a closed one did).
//  P3  every order the app holds COMPLETED was answered granted:true by
//      the server at least once (nothing is completed without a grant;
//      except legacy orders, which that app completes when paid); the
//      client's pendingOrders() equals the app's pending list once quiet.
//  P4  once the app has answered everything (chaos timers and the
//      client's grants drained; checked after every flow, and at the end
//      with chaos disabled): stats() is inFlight 0 / liveCallbacks 0 for
//      every client, closed ones too, except 2 live callbacks (the grant
//      handler and the settle pair) per legacy checkout the app never
//      answered, kept even after close() as they must be: the app may still
//      answer, and the paid order must then reach the grant (such a
//      client's Go program cannot exit). The SDK emitter holds exactly the
//      listeners the SDK leaks for methods the app never answered: 2 per
//      silenced method (<fn>/resolve/<id> and <fn>/reject/<id>), by name.
//      (When the test lets go of a closed client it checks that client's
//      leaked listeners, one each, and removes them: they can never fire,
//      and they would keep its Go program in memory for the rest of the run.)
//  P5  nothing printed contains "call to released function" or a recovered
//      panic; stats().panics is 0; the only unhandled rejections are
//      TypeErrors thrown inside the SDK's own code, at most one per sdkThrow
//      fault (never a rejection of the page's processProductGrant, never a
//      call into an exited Go program).
//  P6  at the end (chaos off, server ok), recover() on the last client
//      grants every pending order exactly once (it POSTs each at most once,
//      nothing else, and resolves with granted = the pending list, failed =
//      []; an order this client already had granted is completed without a
//      POST); afterwards the app's and the client's pending lists are empty,
//      and every client's close() resolves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  app, printed, resetApp, within, sleep, newClient, startFaultyGrantServer, orderKey,
} from './harness.js';
import { CODES } from '../goiap.js';
import { enableChaos, mulberry32, mixSeed } from '../sim/chaos.js';

const FLOWS = Number(process.env.GOIAP_FLOWS ?? 2000);
const SEED = process.env.GOIAP_SEED !== undefined ? Number(process.env.GOIAP_SEED) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
const VERBOSE = !!process.env.GOIAP_VERBOSE;
// GOIAP_CHAOS='{"methodNever":0}' overrides chaos rates (see web/sim/chaos.js).
const CHAOS_RATES = process.env.GOIAP_CHAOS ? JSON.parse(process.env.GOIAP_CHAOS) : {};

const GRANT_TIMEOUT_MS = 50; // the client's grantTimeoutMs
const GRANT_MARGIN_MS = 15; // see P2 (c)
const APP_GRANT_WAIT_MS = 150; // how long the app waits for a grant report (30 s for real)
const MAX_DELAY_MS = 25; // chaos delays
const FLOW_DEADLINE_MS = 4000;
const APP_VERSION = '5.250.0'; // every call, subscriptions too
const LEGACY_VERSION = '5.229.0'; // below the grant report (ios 5.230.0): the legacy purchase
const IDLE_DEADLINE_MS = 3000;

// GOIAP_STOP=<n> runs only the first n of the GOIAP_FLOWS flows (then the
// final checks): a replay that stops right after the failing flow.
const STOP = Math.min(FLOWS, Number(process.env.GOIAP_STOP ?? FLOWS));
const replay = (i) => `seed ${SEED}, flow ${i}: replay with GOIAP_SEED=${SEED} GOIAP_FLOWS=${FLOWS} GOIAP_STOP=${i + 1} node --test web/test/property.test.js`;

class PropertyError extends Error {}

test(`property: ${FLOWS} chaotic purchase flows (GOIAP_SEED=${SEED})`, { timeout: 10 * 60 * 1000 + FLOWS * 50 }, async () => {
  console.log(`# property test: GOIAP_SEED=${SEED} GOIAP_FLOWS=${FLOWS}`);
  const started = Date.now();
  resetApp();
  app.setApp({ version: APP_VERSION });
  app.grantWaitMs = APP_GRANT_WAIT_MS;
  const server = await startFaultyGrantServer();
  const chaos = enableChaos(app, { seed: SEED, maxDelayMs: MAX_DELAY_MS, ...CHAOS_RATES });
  const emitter = () => globalThis.window.__GRANITE_NATIVE_EMITTER;
  const unhandled = [];
  const runnerListeners = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  const onUnhandled = (reason) => { unhandled.push({ reason, flow }); };
  process.on('unhandledRejection', onUnhandled);

  let flow = -1; // the flow running, for messages
  const fail = (msg) => { throw new PropertyError(`${msg}\n  ${replay(Math.max(flow, 0))}`); };
  const check = (cond, msg) => { if (!cond) fail(typeof msg === 'function' ? msg() : msg); };

  // ---- clients, their POSTs and their recover() calls ----------------------
  const clients = [];
  let clock = 0; // orders POST starts and ends
  const posts = []; // every POST any client made
  const byClientOrder = new Map(); // `${client}|${orderKey}` → POST records, in start order
  const grantedByServer = new Set(); // order keys some POST was answered granted:true
  const violations = [];

  function recordPost(cl, init) {
    let body = {};
    try { body = JSON.parse(init?.body ?? '{}'); } catch { /* not ours to judge here */ }
    const key = orderKey(body?.orderId);
    const rec = {
      id: posts.length + 1, client: cl.idx, flow, key, start: ++clock, startAt: performance.now(),
      end: null, inRecover: cl.recovering > 0, known: false, status: null,
    };
    posts.push(rec);
    const k = `${cl.idx}|${key}`;
    const earlier = byClientOrder.get(k) ?? [];
    // P2 (a)–(c), at the moment the POST starts.
    if (earlier.length > 0) {
      if (!rec.inRecover && earlier.some((p) => !p.inRecover)) {
        violations.push({ flow, rec, msg: `P2(a): client ${cl.idx} POSTed order ${key} twice outside recover()` });
      }
      const open = earlier.filter((p) => p.end === null);
      if (open.length > 0) violations.push({ flow, rec, msg: `P2(b): client ${cl.idx} POSTed order ${key} while its POST #${open[0].id} (flow ${open[0].flow}) was still open` });
      const known = earlier.find((p) => p.known);
      if (known) violations.push({ flow, rec, msg: `P2(c): client ${cl.idx} POSTed order ${key} again after POST #${known.id} (flow ${known.flow}) was answered granted:true in time` });
    }
    earlier.push(rec);
    byClientOrder.set(k, earlier);
    rec.history = () => earlier.map((p) => `#${p.id} flow ${p.flow}${p.inRecover ? ' in recover()' : ''} status ${p.status ?? '-'}${p.granted ? ' granted' : ''}${p.known ? ' (known)' : ''} ${p.end === null ? 'open' : `ended after ${(p.endAt - p.startAt).toFixed(1)} ms`}`).join('; ');
    return rec;
  }

  function clientFetch(cl) {
    return (url, init = {}) => {
      const rec = recordPost(cl, init);
      const ended = () => { if (rec.end === null) { rec.end = ++clock; rec.endAt = performance.now(); } };
      init.signal?.addEventListener('abort', ended, { once: true });
      const headers = { ...(init.headers ?? {}), 'x-goiap-post': String(rec.id), 'x-goiap-client': String(cl.idx) };
      return globalThis.fetch(url, { ...init, headers }).then((res) => {
        ended();
        rec.status = res.status;
        const json = res.json.bind(res);
        res.json = () => json().then((v) => {
          const at = performance.now();
          if (res.status >= 200 && res.status < 300 && v && v.granted === true) {
            grantedByServer.add(rec.key);
            rec.granted = true;
            rec.bodyAt = at;
            if (at - rec.startAt <= GRANT_TIMEOUT_MS - GRANT_MARGIN_MS) rec.known = true;
          }
          return v;
        });
        return res;
      }, (e) => { ended(); throw e; });
    };
  }

  async function newTracked() {
    const cl = { idx: clients.length, iap: null, closed: false, closing: null, closeDone: false, weak: null, recovering: 0 };
    clients.push(cl);
    cl.iap = await newClient({ grantURL: server.url, grantTimeoutMs: GRANT_TIMEOUT_MS, fetch: clientFetch(cl) });
    return cl;
  }
  function closeClient(cl) {
    if (cl.closed || !cl.iap) return;
    cl.closed = true;
    cl.closing = cl.iap.close().then(() => { cl.closeDone = true; });
  }
  async function recoverOn(cl, opts) {
    cl.recovering++;
    try { return await cl.iap.recover(opts); } finally { cl.recovering--; }
  }

  // ---- outcome checks (P1) -------------------------------------------------
  function checkOutcome(what, o) {
    if ('ok' in o) return;
    const e = o.err;
    check(e instanceof Error, () => `P1: ${what} rejected with a non-Error: ${String(e)}`);
    check(typeof e.code === 'string' && CODES.includes(e.code), () => `P1: ${what} rejected with code ${e.code} (not in CODES): ${e.message}`);
    check(e.orderId === undefined || (typeof e.orderId === 'string' && e.orderId !== ''), () => `P1: ${what} rejected with orderId ${JSON.stringify(e.orderId)}`);
  }
  function checkResult(r) {
    check(r && typeof r === 'object', 'P1: buy resolved with a non-object');
    check(typeof r.orderId === 'string' && r.orderId !== '', () => `P1: result.orderId ${r.orderId}`);
    if (r.incomplete === true) return; // granted, but the app's success data was unusable
    check(typeof r.displayName === 'string' && typeof r.displayAmount === 'string' && typeof r.currency === 'string', 'P1: result strings');
    check(Number.isFinite(r.amount) && Number.isInteger(r.fraction), () => `P1: result numbers ${r.amount} ${r.fraction}`);
    check(r.miniAppIconUrl === null || typeof r.miniAppIconUrl === 'string', 'P1: result.miniAppIconUrl');
  }
  const settle = (p) => p.then((ok) => ({ ok }), (err) => ({ err }));

  // ---- the app: users and helpers -----------------------------------------
  let user = (c) => c.pay();
  app.onCheckout = (c) => user(c); // chaos wraps whatever is assigned
  const completedSeen = new Map(); // order id → sku, once checked against P3
  const legacyOrders = new Set(); // paid on the legacy path: completed by the app at once

  function pruneEmitter() {
    const ev = emitter()?.events ?? {};
    for (const k of Object.keys(ev)) if (!ev[k] || ev[k].length === 0) delete ev[k];
  }
  function checkCompleted() { // P3, and keeps the app's order map small
    for (const [id, o] of app.orders) {
      if (o.status !== 'COMPLETED') continue;
      // The legacy app completes an order when it is paid, whatever the grant.
      check(legacyOrders.has(id) || grantedByServer.has(orderKey(id)), () => `P3: the app completed order ${id} that no POST was answered granted:true for`);
      completedSeen.set(id, o.sku);
      app.orders.delete(id);
    }
  }
  // The SDK's event listener calls its async onEvent and drops the promise:
  // a payload that breaks it (chaos kind sdkThrow) is an unhandled
  // rejection nobody can catch, which node:test would count against the
  // test. For the length of this test, unhandled rejections come here
  // instead; each must be a TypeError thrown inside the SDK's own code
  // (dist/ since 1.8, built/ in 1.2–1.7), at
  // most one per sdkThrow fault. Anything else (a rejection of the page's
  // processProductGrant, which the SDK would lose; any other stray promise)
  // fails the test.
  let sdkRejections = 0;
  function checkSdkRejections() {
    for (const u of unhandled.splice(0)) {
      const e = u.reason;
      const inSDK = e instanceof TypeError && /@apps-in-toss\/web-bridge\/(dist|built)\/index\.m?js/.test(e.stack ?? '');
      check(inSDK, () => `P5: an unhandled rejection (flow ${u.flow}): ${e?.stack ?? String(e)}`);
      sdkRejections++;
    }
    check(sdkRejections <= chaos.log.sdkThrow, () => `P5: ${sdkRejections} SDK rejections for ${chaos.log.sdkThrow} sdkThrow faults`);
  }
  function checkPrinted(mark) {
    for (const line of printed.slice(mark)) {
      check(!line.includes('call to released function'), () => `P5: printed "${line.slice(0, 200)}"`);
      check(!line.includes('goiap: recovered'), () => `P5: a panic was recovered: ${line.slice(0, 2000)}`);
    }
  }
  // Which client posted each method the app never answered (chaos
  // silenced it): its 2 SDK listeners, and for a legacy checkout its 2 Go
  // handlers, belong to that client. Method messages are remembered two
  // flows back, which is longer than any answer takes.
  let recentMethods = new Map(); // eventId → client idx
  let olderMethods = new Map();
  const silencedBy = new Map(); // silenced key → client idx
  const reaped = new Set(); // silenced keys whose SDK listeners the test removed (see below)
  function noteMethods() {
    for (const m of app.messages) if (m.type === 'method' && !recentMethods.has(m.eventId)) recentMethods.set(m.eventId, cur.idx);
    for (const k of chaos.silenced) {
      if (silencedBy.has(k)) continue;
      const id = k.slice(k.lastIndexOf('/') + 1);
      const c = recentMethods.get(id) ?? olderMethods.get(id);
      if (c !== undefined) silencedBy.set(k, c);
    }
  }
  function unansweredLegacy(c) {
    let n = 0;
    for (const [k, idx] of silencedBy) if (idx === c.idx && k.startsWith('iapCreateOneTimePurchaseOrder/')) n++;
    return n;
  }
  const listenerNamesOf = (k) => {
    const i = k.lastIndexOf('/');
    return [`${k.slice(0, i)}/resolve/${k.slice(i + 1)}`, `${k.slice(0, i)}/reject/${k.slice(i + 1)}`];
  };
  /** The SDK listeners that must be left: 2 per never-answered method not reaped. */
  const expectedLeaked = () => [...chaos.silenced].filter((k) => !reaped.has(k)).flatMap(listenerNamesOf).sort();
  // A closed, idle client is let go by the test; the SDK listeners its
  // never-answered methods left (checked to be there, one each) would keep
  // its whole Go program alive, so the test removes them: they can never
  // fire. Without this a long run keeps ~8 MB per closed client.
  function reapListeners(c) {
    const ev = emitter().events;
    for (const [k, idx] of silencedBy) {
      if (idx !== c.idx || reaped.has(k)) continue;
      for (const name of listenerNamesOf(k)) {
        check(ev[name]?.length === 1, () => `P4: the SDK listener ${name} of a never-answered method of client ${c.idx} is ${ev[name]?.length ?? 0}, expected 1`);
        delete ev[name];
      }
      reaped.add(k);
    }
  }
  async function quiet(what) {
    await within(chaos.idle(), IDLE_DEADLINE_MS, `${what}: chaos timers`);
    const live = clients.filter((c) => c.iap !== null);
    const t0 = Date.now();
    for (;;) {
      // A legacy checkout the app never answers keeps its Go handlers (the
      // grant and the settle pair: 2), even after close(); see P4.
      noteMethods();
      const busy = live.map((c) => [c, c.iap.stats()]).filter(([c, s]) => s.inFlight !== 0 || s.liveCallbacks !== 2 * unansweredLegacy(c));
      if (busy.length === 0 && chaos.pending() === 0) break;
      if (Date.now() - t0 > IDLE_DEADLINE_MS) {
        fail(`P4: ${what}: clients not idle after ${IDLE_DEADLINE_MS} ms: ${busy.map(([c, s]) => `client ${c.idx}${c.closed ? ' (closed)' : ''} ${JSON.stringify(s)}, ${unansweredLegacy(c)} unanswered legacy checkouts`).join('; ')}`);
      }
      await sleep(2);
    }
    for (const c of live) check(c.iap.stats().panics === 0, () => `P5: client ${c.idx} stats().panics = ${c.iap.stats().panics}`);
    // P4, SDK side: once the app's late answers are in, only the listeners
    // of never-answered methods are left.
    const t1 = Date.now();
    for (;;) {
      const left = listenerNames();
      const expected = expectedLeaked();
      if (left.length === expected.length && left.every((n, j) => n === expected[j])) break;
      if (Date.now() - t1 > IDLE_DEADLINE_MS) {
        const extra = left.filter((n) => !expected.includes(n));
        const missing = expected.filter((n) => !left.includes(n));
        fail(`P4: ${what}: SDK listeners left that nobody will remove: ${extra.join(', ') || '-'}; missing: ${missing.join(', ') || '-'}`);
      }
      await sleep(2);
    }
  }
  function listenerNames() {
    return Object.entries(emitter()?.events ?? {}).flatMap(([k, cbs]) => (cbs ?? []).map(() => k)).sort();
  }

  const PATHS = [['buy', 8.5], ['subscribe', 1], ['legacy', 0.5]];
  const OFFERS = [[undefined, 3], ['offer_trial_7d', 1], ['offer_new_50', 1], ['offer_back_30', 0.5], ['no_such_offer', 0.3], [42, 0.1]];
  const SKUS = [['item_coin_100', 8], ['item_remove_ads', 2], ['sub_premium_monthly', 0.5], ['no_such_item', 0.7], ['', 0.2], [42, 0.15], ['bad sku', 0.15]];
  const USERS = [['pay', 12], ['cancel', 1.5], ['fail', 1], ['failPaid', 1], ['hold', 0.6]];
  const MODES = [['ok', 6], ['deny', 1], ['error', 1], ['hang', 1], ['reset', 1], ['slow', 1], ['notjson', 0.3], ['truthy', 0.3], ['empty', 0.3]];
  const EXTRAS = [['buy', 1], ['recover', 2], ['pendingOrders', 1], ['products', 0.5]];
  const weighted = (rng, table) => {
    let r = rng() * table.reduce((a, [, w]) => a + w, 0);
    for (const [v, w] of table) { r -= w; if (r < 0) return v; }
    return table[table.length - 1][0];
  };
  const AFTER_PAYMENT = ['APP_MARKET_VERIFICATION_FAILED', 'TOSS_SERVER_VERIFICATION_FAILED', 'PRODUCT_NOT_GRANTED_BY_PARTNER'];
  const BEFORE_PAYMENT = ['INVALID_PRODUCT_ID', 'PAYMENT_PENDING', 'NETWORK_ERROR', 'INVALID_USER_ENVIRONMENT', 'ITEM_ALREADY_OWNED', 'INTERNAL_ERROR', 'KOREAN_ACCOUNT_ONLY'];

  const timing = new Map(); // flow kind → {n, ms}, for GOIAP_VERBOSE
  let cur = await newTracked();
  const stats = { resolved: 0, codes: {}, closes: 0, aborts: 0, extras: 0, clients: 1 };

  try {
    for (flow = 0; flow < STOP; flow++) {
      const i = flow;
      const rng = mulberry32(mixSeed(SEED, i, 1));
      const serverRng = mulberry32(mixSeed(SEED, i, 2));
      chaos.reseed(mixSeed(SEED, i, 3));
      const mark = printed.length;
      if (cur.closed) { cur = await newTracked(); stats.clients++; }
      const cl = cur;

      // The plan.
      const path = weighted(rng, PATHS);
      const sku = path === 'subscribe' && rng() < 0.85 ? 'sub_premium_monthly' : weighted(rng, SKUS);
      const offerId = weighted(rng, OFFERS);
      const who = path === 'legacy' ? weighted(rng, USERS.filter(([u]) => u !== 'hold')) : weighted(rng, USERS);
      const allOk = rng() < 0.55;
      server.state.mode = () => (allOk ? 'ok' : weighted(serverRng, MODES));
      server.state.slowMs = 1 + Math.floor(serverRng() * (GRANT_TIMEOUT_MS * 0.4));
      let abortAt = rng() < 0.12 ? (rng() < 0.15 ? 'before' : Math.floor(rng() * 70)) : null;
      if (who === 'hold' && abortAt === null) abortAt = 20 + Math.floor(rng() * 60);
      // A legacy checkout whose answer chaos drops never ends by itself.
      if (path === 'legacy' && abortAt === null) abortAt = 300;
      const closeAt = rng() < 0.03 ? Math.floor(rng() * 70) : null;
      let extra = rng() < 0.15 ? weighted(rng, EXTRAS) : null;
      // The last 5% recover nothing, so orders are left for the final recover (P6).
      if (extra === 'recover' && i >= FLOWS - Math.ceil(FLOWS / 20)) extra = 'pendingOrders';
      const extraAt = Math.floor(rng() * 40);
      const failCode = who === 'failPaid' ? AFTER_PAYMENT[Math.floor(rng() * AFTER_PAYMENT.length)] : BEFORE_PAYMENT[Math.floor(rng() * BEFORE_PAYMENT.length)];
      user = (c) => {
        switch (who) {
          case 'pay': {
            const paying = c.pay();
            if (c.kind === 'legacy') paying.then(({ order }) => { if (order) legacyOrders.add(order.orderId); });
            return paying;
          }
          case 'cancel': return c.cancel();
          case 'fail': case 'failPaid': return c.fail(failCode);
          default: return undefined; // hold: the user never acts
        }
      };
      if (VERBOSE) console.log(`# flow ${i}: client ${cl.idx} ${path} sku=${sku} user=${who} allOk=${allOk} abort=${abortAt} close=${closeAt} extra=${extra}`);

      // Run it.
      const flowStart = performance.now();
      const ac = new AbortController();
      if (abortAt === 'before') ac.abort();
      const timers = [];
      const postsBefore = posts.length;
      if (path === 'legacy') app.setApp({ version: LEGACY_VERSION });
      const buy = settle(path === 'subscribe'
        ? cl.iap.subscribe(sku, { offerId, signal: ac.signal })
        : cl.iap.buy(sku, { signal: ac.signal })).then((o) => ({ ...o, at: clock })); // at: POSTs started before it settled
      if (typeof abortAt === 'number') { stats.aborts++; timers.push(setTimeout(() => ac.abort(), abortAt)); }
      if (closeAt !== null) timers.push(setTimeout(() => { stats.closes++; closeClient(cl); }, closeAt));
      let extraP = Promise.resolve(null);
      if (extra) {
        stats.extras++;
        extraP = sleep(extraAt).then(() => {
          const signal = AbortSignal.timeout(120 + Math.floor(rng() * 100));
          switch (extra) {
            case 'buy': return settle(cl.iap.buy('item_coin_100', { signal }));
            case 'recover': return settle(recoverOn(cl, { signal }));
            case 'pendingOrders': return settle(cl.iap.pendingOrders({ signal }));
            default: return settle(cl.iap.products({ signal }));
          }
        });
      }
      let out;
      try {
        out = await within(buy, FLOW_DEADLINE_MS, `buy() of flow ${i}`);
      } catch (e) {
        fail(`P1: ${e.message} (sku=${sku} user=${who} abort=${abortAt} close=${closeAt} extra=${extra}, client ${cl.idx} stats ${JSON.stringify(cl.iap.stats())})`);
      }
      const extraOut = await within(extraP, FLOW_DEADLINE_MS, `${extra} of flow ${i}`).catch((e) => fail(`P1: ${e.message}`));
      for (const tm of timers) clearTimeout(tm);
      app.setApp({ version: APP_VERSION });

      // P1.
      checkOutcome('buy()', out);
      if (extraOut) checkOutcome(`${extra}()`, extraOut);
      if (extra === 'recover' && extraOut && 'ok' in extraOut) {
        const r = extraOut.ok;
        check(Array.isArray(r.granted) && Array.isArray(r.failed), 'P1: recover() result shape');
        for (const f of r.failed) check(CODES.includes(f.code), () => `P1: recover failed code ${f.code}`);
      }
      if ('ok' in out) {
        stats.resolved++;
        checkResult(out.ok);
        const key = orderKey(out.ok.orderId);
        check(byClientOrder.get(`${cl.idx}|${key}`)?.some((p) => p.granted), () => `P1: buy resolved with order ${key} that the server never answered granted:true to this client`);
        // On the legacy path the app's answer is the result itself: when
        // chaos rewrites its orderId the client can only trust it.
        const o = app.orders.get(out.ok.orderId);
        check(path === 'legacy' || completedSeen.has(out.ok.orderId) || o?.status === 'COMPLETED', () => `P1: buy resolved with order ${key}, which the app holds ${o?.status ?? 'nowhere'}`);
      } else {
        stats.codes[out.err.code] = (stats.codes[out.err.code] ?? 0) + 1;
        // (A legacy checkout the page gave up on still grants a late payment,
        // after the rejection: only POSTs that started before it count.)
        const purchasePosts = posts.slice(postsBefore).filter((p) => p.client === cl.idx && !p.inRecover && p.start <= out.at);
        if (purchasePosts.length > 0 && extra !== 'buy') {
          check(out.err.orderId !== undefined, () => `P1: buy() rejected ${out.err.code} without an orderId after POSTing order ${purchasePosts[0].key}: ${out.err.message}`);
        }
      }

      // P4 (client side), P5, P3.
      await quiet(`after flow ${i}`);
      check(violations.length === 0, () => violations.map((v) => `${v.msg} [flow ${v.flow}]\n    POSTs: ${v.rec.history()}`).join('\n'));
      checkPrinted(mark);
      checkSdkRejections();
      checkCompleted();
      for (const c of clients) {
        if (!c.closed || c.iap === null) continue;
        await within(c.closing, IDLE_DEADLINE_MS, `close() of client ${c.idx}`).catch((e) => fail(`P6: ${e.message}`));
        // Closed, and idle (quiet() checked it): the test lets go of it, so
        // that a long run does not keep every Go program it ever started.
        reapListeners(c);
        c.weak = new WeakRef(c.iap);
        c.iap = null;
      }
      noteMethods();
      pruneEmitter();
      app.messages.length = 0;
      olderMethods = recentMethods;
      recentMethods = new Map();
      const tag = `${path === 'buy' ? '' : `${path}:`}${who}${abortAt !== null ? '+abort' : ''}${closeAt !== null ? '+close' : ''}${extra ? `+${extra}` : ''}${allOk ? '' : '+faultyServer'}`;
      const d = timing.get(tag) ?? { n: 0, ms: 0 };
      d.n++; d.ms += performance.now() - flowStart;
      timing.set(tag, d);
      if (i % 1000 === 999) {
        const mem = process.memoryUsage();
        console.log(`# ${i + 1} flows, ${((Date.now() - started) / 1000).toFixed(1)} s, faults ${chaos.total()}, ${clients.length} clients, rss ${(mem.rss / 2 ** 20).toFixed(0)} MB, js heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB, wasm+buffers ${((mem.external + mem.arrayBuffers) / 2 ** 20).toFixed(0)} MB`);
      }
    }
    flow = STOP;

    // ---- the end: chaos off, server ok, everything drained ----------------
    chaos.disable();
    await within(chaos.idle(), IDLE_DEADLINE_MS, 'chaos timers');
    server.state.mode = 'ok';
    const t0 = Date.now();
    while (app.timers.size > 0 && Date.now() - t0 < APP_GRANT_WAIT_MS * 4) await sleep(5);
    check(app.timers.size === 0, () => `P4: the app still has ${app.timers.size} timers`);
    await quiet('at the end');
    checkCompleted();
    if (cur.closed) { cur = await newTracked(); stats.clients++; }

    // P3: the client reads the pending list the app holds.
    const pendingIds = app.pendingOrders().map((o) => o.orderId).sort();
    const seen = await cur.iap.pendingOrders();
    assert.deepEqual(seen.map((o) => o.orderId).sort(), pendingIds, `P3: pendingOrders() differs from the app's\n  ${replay(flow)}`);

    // P4: the SDK's listeners: exactly the ones never-answered methods leak.
    pruneEmitter();
    const left = listenerNames();
    const expected = expectedLeaked();
    assert.deepEqual(left, expected, `P4: SDK listeners left ${left.length}, expected ${expected.length} (2 per never-answered method)\n  ${replay(flow)}`);

    // P6: the final recover.
    const postsBefore = posts.length;
    const r = await within(recoverOn(cur), 10000, 'final recover()');
    const recoverPosts = posts.slice(postsBefore);
    check(r.failed.length === 0, () => `P6: final recover failed ${JSON.stringify(r.failed)}`);
    assert.deepEqual([...r.granted].sort(), pendingIds, `P6: final recover granted other orders than were pending\n  ${replay(flow)}`);
    const perOrder = new Map();
    for (const p of recoverPosts) perOrder.set(p.key, (perOrder.get(p.key) ?? 0) + 1);
    const pendingKeys = new Set(pendingIds.map(orderKey));
    for (const [k, n] of perOrder) {
      check(pendingKeys.has(k), () => `P6: final recover POSTed order ${k}, which was not pending`);
      check(n === 1, () => `P6: final recover POSTed order ${k} ${n} times`);
    }
    for (const id of pendingIds) {
      check(perOrder.has(orderKey(id)) || byClientOrder.get(`${cur.idx}|${orderKey(id)}`)?.some((p) => p.known),
        () => `P6: final recover completed order ${id} without granting it`);
    }
    check(app.pendingOrders().length === 0, () => `P6: still pending after the final recover: ${app.pendingOrders().map((o) => o.orderId)}`);
    assert.deepEqual(await cur.iap.pendingOrders(), [], 'P6: pendingOrders() after the final recover');
    check(violations.length === 0, () => violations.map((v) => `${v.msg} [flow ${v.flow}]\n    POSTs: ${v.rec.history()}`).join('\n'));
    await quiet('after the final recover');
    checkCompleted();
    checkSdkRejections();
    checkPrinted(0);

    // Every client closes and exits.
    for (const c of clients) closeClient(c);
    for (const c of clients) await within(c.closing, IDLE_DEADLINE_MS, `close() of client ${c.idx}`);
    await quiet('after closing every client');
    const leftAfter = Object.values(emitter().events).reduce((n, cbs) => n + (cbs?.length ?? 0), 0);
    check(leftAfter === expected.length, () => `P4: ${leftAfter} SDK listeners after closing every client, expected ${expected.length}`);
    checkPrinted(0);

    const secs = (Date.now() - started) / 1000;
    console.log(`# property: ${STOP} flows in ${secs.toFixed(1)} s, seed ${SEED}; ${clients.length} clients (${stats.closes} closed mid-flow), ${stats.aborts} aborts, ${stats.extras} concurrent calls`);
    console.log(`# buys: ${stats.resolved} resolved; rejected by code ${JSON.stringify(stats.codes)}`);
    console.log(`# grant POSTs ${posts.length}, server answers ${JSON.stringify(server.requests.reduce((m, q) => { m[q.mode] = (m[q.mode] ?? 0) + 1; return m; }, {}))}`);
    console.log(`# faults injected ${chaos.total()}: ${JSON.stringify(chaos.log)}; SDK rejections (expected) ${sdkRejections}; never-answered methods ${chaos.silenced.size}`);
    console.log(`# final recover granted ${r.granted.length} pending orders`);
    const mem = process.memoryUsage();
    console.log(`# memory: rss ${(mem.rss / 2 ** 20).toFixed(0)} MB, wasm+buffers ${((mem.external + mem.arrayBuffers) / 2 ** 20).toFixed(0)} MB; closed clients not yet collected ${clients.filter((c) => c.weak?.deref()).length} of ${clients.filter((c) => c.weak).length}`);
    if (VERBOSE) {
      for (const [k, v] of [...timing].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) console.log(`#   ${k}: ${v.n} flows, ${(v.ms / v.n).toFixed(1)} ms each, ${(v.ms / 1000).toFixed(1)} s`);
    }
  } catch (e) {
    if (!(e instanceof PropertyError)) e.message += `\n  ${replay(Math.max(flow, 0))}`;
    console.log(`# FAILED at ${replay(Math.max(flow, 0))}; faults so far ${JSON.stringify(chaos.log)}`);
    throw e;
  } finally {
    await sleep(5);
    process.off('unhandledRejection', onUnhandled);
    for (const l of runnerListeners) process.on('unhandledRejection', l);
    chaos.disable();
    for (const c of clients) closeClient(c);
    await Promise.race([Promise.all(clients.map((c) => c.closing)), sleep(2000)]);
    await server.close();
    app.dispose();
    resetApp();
  }
});
