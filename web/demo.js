// demo.js — the demo mini-app: a small shop whose purchases run through
// the Go client (main.wasm, loaded by goiap.js) on the real Apps in Toss SDK.
//
// Outside the Toss app (no window.ReactNativeWebView) it installs the
// simulated Toss app from sim/tossapp.js with the sandbox checkout sheet,
// BEFORE importing the SDK: the SDK reads the app's constants and replaces
// its emitter when it is imported.
//
// Everything that comes from the SDK, the app or the server is put on the
// page with textContent, never as HTML.
//
// On entry the page logs in (appLogin → POST /api/login; the session is an
// HttpOnly cookie) and shows the wallet the server keeps (GET /api/me). With
// the simulated app, appLogin and Pay go through the server's dev endpoints
// to the Toss API simulator, so every order the page grants is one Toss
// knows; the sandbox panel refunds an order there and runs the refund sweep.

import { load, preload, CODES } from './goiap.js';

// main.wasm first: its download started with wasm-url.js (see index.html);
// compiling starts now, while the modules below are set up. Without
// wasm-url.js (no make build), main.wasm next to the loader.
const wasm = import('./wasm-url.js').then((m) => preload(m.response), () => preload());

const SDK_URL = './node_modules/@apps-in-toss/web-bridge/dist/index.js';
const APP_SETTINGS_KEY = 'goiap.demo.app';
const DEFAULT_APP = Object.freeze({ version: '5.250.0', os: 'ios', environment: 'toss' });

/** The sandbox presets: each shows one of the SDK's version gates. */
export const PRESETS = Object.freeze([
  { id: 'latest', label: '5.250.0 iOS', note: '모든 기능 / everything', app: { version: '5.250.0', os: 'ios', environment: 'toss' } },
  { id: 'ios-5240', label: '5.240.0 iOS', note: '구독 불가 / no subscriptions', app: { version: '5.240.0', os: 'ios', environment: 'toss' } },
  { id: 'android-legacy', label: '5.225.0 Android', note: '이전 결제 방식 / legacy purchase', app: { version: '5.225.0', os: 'android', environment: 'toss' } },
  { id: 'too-old', label: '5.200.0 iOS', note: '결제 불가 / too old', app: { version: '5.200.0', os: 'ios', environment: 'toss' } },
  { id: 'sandbox', label: 'sandbox', note: '모든 제한 통과 / every gate passes', app: { version: '5.200.0', os: 'android', environment: 'sandbox' } },
]);

/** A message in Korean and English for every code a rejection can carry. */
export const MESSAGES = Object.freeze({
  INVALID_PRODUCT_ID: ['판매하지 않는 상품이에요.', 'This product is not on sale.'],
  PAYMENT_PENDING: ['결제 승인을 기다리고 있어요. 승인되면 자동으로 지급돼요.', 'The payment is awaiting approval. It will be delivered once approved.'],
  NETWORK_ERROR: ['네트워크 연결이 불안정해요. 연결을 확인하고 다시 시도해 주세요.', 'Network problem. Check your connection and try again.'],
  INVALID_USER_ENVIRONMENT: ['이 기기나 계정에서는 결제할 수 없어요.', 'Purchases are not available on this device or account.'],
  ITEM_ALREADY_OWNED: ['이미 가지고 있는 상품이에요.', 'You already own this item.'],
  APP_MARKET_VERIFICATION_FAILED: ['앱 마켓에서 결제를 확인하지 못했어요. 주문번호와 함께 고객센터에 문의해 주세요.', 'The app store could not verify the payment. Contact support with the order id.'],
  TOSS_SERVER_VERIFICATION_FAILED: ['토스 서버에서 결제를 확인하지 못했어요. 잠시 후 다시 시도해 주세요.', 'Toss could not verify the payment. Please try again in a moment.'],
  INTERNAL_ERROR: ['일시적인 오류가 생겼어요. 다시 시도해 주세요.', 'Something went wrong on our side. Please try again.'],
  KOREAN_ACCOUNT_ONLY: ['한국 계정으로만 구매할 수 있어요.', 'Only Korean accounts can buy this.'],
  USER_CANCELED: ['결제를 취소했어요.', 'You canceled the payment.'],
  PRODUCT_NOT_GRANTED_BY_PARTNER: ['결제는 완료됐지만 상품 지급이 늦어지고 있어요. 주문은 안전하게 보관돼 있고, 다음에 앱을 열면 자동으로 복구돼요.', 'Your payment went through but delivery is delayed. Your order is safe and will be recovered automatically the next time you open the app.'],
  INVALID_SKU: ['상품 코드가 올바르지 않아요.', 'The product code is not valid.'],
  PURCHASE_IN_PROGRESS: ['이미 진행 중인 결제가 있어요. 끝난 뒤에 다시 시도해 주세요.', 'A purchase is already in progress. Try again when it ends.'],
  UNSUPPORTED_APP_VERSION: ['토스 앱을 최신 버전으로 업데이트한 뒤 다시 시도해 주세요.', 'Please update the Toss app to the latest version and try again.'],
  SDK_UNAVAILABLE: ['결제 기능을 쓸 수 없어요. 토스 앱에서 열어 주세요.', 'Payments are unavailable here. Open this page in the Toss app.'],
  ABORTED: ['결제가 중단됐어요.', 'The purchase was stopped.'],
  CLOSED: ['결제 기능이 종료됐어요. 페이지를 새로고침해 주세요.', 'The purchase client was closed. Reload the page.'],
  INVALID_RESPONSE: ['앱에서 예상하지 못한 응답을 받았어요. 다시 시도해 주세요.', 'The app sent an unexpected answer. Please try again.'],
  UNKNOWN: ['알 수 없는 오류가 생겼어요. 다시 시도해 주세요.', 'Something unexpected happened. Please try again.'],
});

/** The codes after which trying again makes sense. */
export const RETRY_CODES = new Set([
  'NETWORK_ERROR', 'INTERNAL_ERROR', 'PRODUCT_NOT_GRANTED_BY_PARTNER', 'TOSS_SERVER_VERIFICATION_FAILED',
  'ABORTED', 'USER_CANCELED', 'UNKNOWN', 'INVALID_RESPONSE',
]);

const TYPES = { CONSUMABLE: '소모품 / Consumable', NON_CONSUMABLE: '영구 / Non-consumable', SUBSCRIPTION: '구독 / Subscription' };
const CYCLES = { DAILY: '매일 / daily', WEEKLY: '매주 / weekly', MONTHLY: '매월 / monthly', YEARLY: '매년 / yearly' };
const OFFERS = { FREE_TRIAL: '무료 체험 / Free trial', NEW_SUBSCRIPTION: '신규 할인 / New', RETURNING: '재구독 할인 / Returning' };
const PERIODS = { D: ['일', 'day'], W: ['주', 'week'], M: ['개월', 'month'], Y: ['년', 'year'] };
const PAYING = '결제 중… / Paying…';

// The page's state.
const state = {
  iap: null, // the Go client
  sdk: null,
  app: null, // the simulated app, when there is no real one
  store: undefined, // localStorage, where the simulated app keeps its orders
  products: [],
  busy: null, // {button, ctrl} while a purchase is in flight
  ordersKey: null,
  recovering: null,
  me: null, // GET /api/me, once logged in
};

// --- the partner server ----------------------------------------------------------

/** An answer of the server that is not 2xx: .status and the body's .code. */
class ServerError extends Error {
  constructor(status, body) {
    super(`${status} ${body?.code ?? ''} ${body?.error ?? body?.message ?? ''}`.trim());
    this.status = status;
    this.code = body?.code ?? `HTTP_${status}`;
  }
}

/** Calls our server with JSON and the session cookie; resolves with the JSON body. */
async function api(path, body) {
  const init = { credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.method = 'POST';
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ServerError(res.status, data);
  return data;
}

/** The simulated app's way to the Toss API simulator (dev mode only). */
const simBackend = {
  login: ({ userKey }) => api('/api/dev/toss/login-code', userKey ? { userKey } : {}),
  order: async ({ sku, userKey }) => (await api('/api/dev/toss/orders', { sku, userKey })).orderId,
};

// --- DOM helpers: every string goes in as text --------------------------------

/** el('p', {class, text, testid, ...attrs}, ...children) */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = String(v);
    else if (k === 'class') node.className = v;
    else if (k === 'testid') node.dataset.testid = v;
    else if (k === 'onclick') node.addEventListener('click', v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

const $ = (id) => document.getElementById(id);

function periodText(p) {
  const m = /^P(\d+)([DWMY])$/.exec(String(p ?? ''));
  if (!m) return String(p ?? '');
  const [ko, en] = PERIODS[m[2]];
  return `${m[1]}${ko} / ${m[1]} ${en}${m[1] === '1' ? '' : 's'}`;
}

function messageFor(code) { return MESSAGES[code] ?? MESSAGES.UNKNOWN; }

function codeOf(e) { return CODES.includes(e?.code) ? e.code : 'UNKNOWN'; }

// --- boot ----------------------------------------------------------------------

function storage() {
  try {
    const s = globalThis.localStorage;
    s.getItem(APP_SETTINGS_KEY); // throws where storage is refused
    return s;
  } catch {
    return undefined;
  }
}

function savedApp(store) {
  try {
    const v = JSON.parse(store?.getItem(APP_SETTINGS_KEY) ?? 'null');
    if (v && typeof v.version === 'string' && typeof v.os === 'string' && typeof v.environment === 'string') return v;
  } catch { /* fall through */ }
  return { ...DEFAULT_APP };
}

async function main() {
  const boot = $('boot');
  try {
    if (!globalThis.ReactNativeWebView) {
      // Not inside the Toss app: the simulated one, installed before the SDK.
      const [{ createTossApp }, { attachCheckoutSheet }] = await Promise.all([
        import('./sim/tossapp.js'), import('./sim/checkout-sheet.js'),
      ]);
      const store = storage();
      state.app = createTossApp({ ...savedApp(store), storage: store, latencyMs: 60, backend: simBackend });
      state.store = store;
      attachCheckoutSheet(state.app);
    }
    state.sdk = await import(SDK_URL);
    state.iap = await load({ sdk: state.sdk, wasm, grantURL: '/api/grant' });
  } catch (e) {
    boot.dataset.state = 'error';
    boot.replaceChildren(
      el('strong', { text: '결제 기능을 불러오지 못했어요. / Could not start the purchase client.' }),
      el('br'), el('code', { text: `${codeOf(e)}: ${e?.message ?? e}` }),
      el('br'), el('span', { class: 'hint', text: 'main.wasm이 없다면 `make build`를 실행하세요. / If main.wasm is missing, run `make build`.' }),
    );
    return;
  }
  boot.hidden = true;
  globalThis.goiapDemo = { iap: state.iap, app: state.app, sdk: state.sdk, refreshProducts, runRecovery, refreshMe, login };
  await setupSandbox();
  renderEnv();
  $('orders-load').addEventListener('click', (e) => loadOrders(e.currentTarget.dataset.more !== 'true'));
  // The products need no session: list them at once. The grant needs the
  // session: log in first, then recover (first thing on every entry, as
  // the Toss docs ask).
  await Promise.all([refreshProducts(), login().then(() => runRecovery())]);
  document.body.dataset.ready = 'true';
}

// --- login and wallet -------------------------------------------------------------

/**
 * Makes sure the page has a session for the app's user: keeps the one it
 * has (GET /api/me), else appLogin() → POST /api/login. Resolves with the
 * user or null (the wallet card says why).
 */
async function login() {
  try {
    const me = await api('/api/me').catch((e) => { if (e.status === 401) return null; throw e; });
    // A session for another user than the app's (the sandbox forgot it):
    // log in again.
    if (me && (!state.app?.userKey || me.userKey === state.app.userKey)) return showMe(me);
    const { authorizationCode, referrer } = await state.sdk.appLogin();
    await api('/api/login', { authorizationCode, referrer });
    return showMe(await api('/api/me'));
  } catch (e) {
    showMeError(e);
    return null;
  }
}

/** Reads the wallet again (after a grant, a recovery, a refund). */
async function refreshMe() {
  try {
    return showMe(await api('/api/me'));
  } catch (e) {
    if (e.status === 401) return login();
    showMeError(e);
    return null;
  }
}

/** The coins of GET /api/me, whatever its wallet looks like. */
function balanceOf(me) {
  const w = me?.wallet;
  if (Number.isFinite(me?.balance)) return me.balance;
  if (Number.isFinite(w)) return w;
  if (Number.isFinite(w?.balance)) return w.balance;
  if (Number.isFinite(w?.coins)) return w.coins;
  return 0;
}

function showMe(me) {
  state.me = me;
  const box = $('wallet');
  const balance = balanceOf(me);
  box.dataset.state = 'ready';
  box.dataset.userKey = String(me.userKey);
  box.dataset.balance = String(balance);
  box.dataset.grants = String(me.grants ?? 0);
  $('wallet-balance').textContent = balance.toLocaleString('ko-KR');
  $('wallet-grants').textContent = String(me.grants ?? 0);
  $('me').textContent = `토스 사용자 / Toss user ${me.userKey}`;
  return me;
}

function showMeError(e) {
  const box = $('wallet');
  box.dataset.state = 'error';
  box.dataset.code = String(e?.code ?? 'UNKNOWN');
  $('me').replaceChildren(
    document.createTextNode(`로그인하지 못했어요 / Could not log in: ${e?.code ?? ''} ${e?.message ?? e}`), ' ',
    el('button', { type: 'button', class: 'link', testid: 'login-retry', text: '다시 시도 / Retry', onclick: () => login() }));
}

// --- products ------------------------------------------------------------------

async function refreshProducts() {
  const list = $('products');
  list.setAttribute('aria-busy', 'true');
  try {
    state.products = await state.iap.products();
    list.replaceChildren(...state.products.map(productItem));
    if (state.products.length === 0) list.append(el('li', { class: 'empty', text: '판매 중인 상품이 없어요. / Nothing on sale.' }));
  } catch (e) {
    // Keep what was listed before (the buttons then show why buying fails).
    const [ko, en] = messageFor(codeOf(e));
    list.querySelector('[data-testid="products-error"]')?.remove();
    list.prepend(el('li', { class: 'empty error', testid: 'products-error', 'data-code': codeOf(e) },
      el('strong', { text: '상품을 불러오지 못했어요. / Could not load the products.' }),
      el('br'), document.createTextNode(`${ko} / ${en}`), el('br'), el('code', { text: codeOf(e) }),
      el('br'), el('button', { type: 'button', class: 'link', text: '다시 시도 / Retry', onclick: () => refreshProducts() })));
  } finally {
    list.setAttribute('aria-busy', 'false');
    syncBusy();
  }
}

function productItem(p) {
  const name = String(p.displayName ?? p.sku);
  const isSub = p.type === 'SUBSCRIPTION';
  const cycle = isSub && p.renewalCycle ? (CYCLES[p.renewalCycle] ?? p.renewalCycle) : null;
  const buy = el('button', {
    type: 'button', class: 'buy', testid: `buy-${p.sku}`, 'data-sku': p.sku,
    text: `${p.displayAmount ?? ''} ${isSub ? '구독하기 / Subscribe' : '구매하기 / Buy'}`.trim(),
    'aria-label': `${name} ${isSub ? '구독하기' : '구매하기'}`,
  });
  buy.dataset.label = buy.textContent;
  buy.addEventListener('click', () => purchase(p, null, buy));
  const li = el('li', { class: 'product', testid: `product-${p.sku}` },
    el('div', { class: 'avatar', 'aria-hidden': 'true', text: [...name.trim()][0] ?? '?' }),
    el('div', { class: 'info' },
      el('p', { class: 'name', testid: 'product-name', text: name }),
      el('p', { class: 'meta' },
        el('span', { class: 'type', text: TYPES[p.type] ?? p.type }),
        cycle && el('span', { class: 'type', text: cycle }),
        ` ${p.description ?? ''}`)),
    el('div', { class: 'actions' }, buy));
  if (isSub && Array.isArray(p.offers) && p.offers.length) {
    const offers = el('div', { class: 'offers' });
    for (const o of p.offers) {
      const amount = o.type === 'FREE_TRIAL' ? '0원' : (o.displayAmount ?? p.displayAmount);
      const b = el('button', {
        type: 'button', class: 'buy offer', testid: `buy-${p.sku}--${o.offerId}`, 'data-sku': p.sku,
        text: `${OFFERS[o.type] ?? o.type} · ${periodText(o.period)} · ${amount}`,
      });
      b.dataset.label = b.textContent;
      b.addEventListener('click', () => purchase(p, o, b));
      offers.append(b);
    }
    li.append(offers);
  }
  return li;
}

// syncBusy shows the purchase in flight: every buy button is off (one
// purchase per client), the one pressed says so.
function syncBusy() {
  for (const b of document.querySelectorAll('button.buy')) {
    b.disabled = !!state.busy;
    const paying = state.busy?.button === b;
    b.textContent = paying ? PAYING : b.dataset.label;
    b.classList.toggle('paying', paying);
    if (paying) b.setAttribute('aria-busy', 'true'); else b.removeAttribute('aria-busy');
  }
}

// --- purchase ------------------------------------------------------------------

async function purchase(product, offer, button) {
  if (state.busy) return; // the buttons are off; this is for a click that raced them
  const ctrl = new AbortController();
  state.busy = { button, ctrl };
  syncBusy();
  const name = String(product.displayName ?? product.sku);
  showResult('pending',
    el('p', { class: 'title', text: `${name} — ${PAYING}` }),
    el('button', { type: 'button', class: 'link', testid: 'abort', text: '그만두기 / Stop', onclick: () => ctrl.abort() }));
  try {
    const r = product.type === 'SUBSCRIPTION'
      ? await state.iap.subscribe(product.sku, { offerId: offer?.offerId, signal: ctrl.signal })
      : await state.iap.buy(product.sku, { signal: ctrl.signal });
    showSuccess(r, product);
    if (product.type === 'SUBSCRIPTION') showSubscription(r.orderId);
    renderSandboxOrders();
    await refreshMe();
  } catch (e) {
    showError(e, () => purchase(product, offer, button));
  } finally {
    state.busy = null;
    syncBusy();
  }
}

function showResult(kind, ...children) {
  const box = $('result');
  box.hidden = false;
  box.dataset.state = kind;
  delete box.dataset.code;
  delete box.dataset.orderId;
  box.replaceChildren(...children);
  if (kind !== 'pending') box.scrollIntoView({ block: 'nearest' });
  return box;
}

function orderLine(orderId) {
  return el('p', { class: 'order' }, '주문번호 / Order id: ', el('code', { testid: 'result-order-id', text: orderId }));
}

function showSuccess(r, product) {
  const box = showResult('success',
    el('p', { class: 'title', text: '구매 완료! / Purchase complete!' }),
    el('p', { class: 'bought', testid: 'result-item' },
      el('strong', { text: String(r.displayName ?? product?.displayName ?? '') }),
      ` · ${r.displayAmount ?? ''}`),
    orderLine(String(r.orderId)));
  box.dataset.orderId = r.orderId;
}

async function showSubscription(orderId) {
  const line = el('p', { class: 'hint', testid: 'subscription-info', text: '구독 상태 확인 중… / Checking the subscription…' });
  $('result').append(line);
  try {
    const s = await state.iap.subscriptionInfo(orderId);
    line.textContent = `구독 상태 / Status: ${s.status}${s.expiresAt ? ` · 만료 / Expires ${s.expiresAt}` : ''}${s.isAutoRenew ? ' · 자동 갱신 / auto-renew' : ''}`;
  } catch (e) {
    line.textContent = `구독 상태를 확인하지 못했어요 / Could not read the subscription: ${codeOf(e)}`;
  }
}

function showError(e, retryBuy) {
  const code = codeOf(e);
  const [ko, en] = messageFor(code);
  const orderId = typeof e?.orderId === 'string' && e.orderId ? e.orderId : null;
  const children = [
    el('p', { class: 'title', testid: 'result-message', text: ko }),
    el('p', { class: 'en', text: en }),
    el('p', { class: 'detail' }, el('code', { testid: 'result-code', text: code }), e?.message && e.message !== code ? ` ${e.message}` : ''),
  ];
  if (orderId) children.push(orderLine(orderId));
  if (RETRY_CODES.has(code)) {
    // With an order id the money may have moved: trying again means
    // granting that order (recover), never a second purchase.
    const retry = el('button', {
      type: 'button', class: 'retry', testid: 'retry',
      text: orderId ? '지급 다시 시도 / Retry delivery' : '다시 시도 / Retry',
    });
    retry.addEventListener('click', async () => {
      if (!orderId) return retryBuy();
      retry.disabled = true;
      const r = await runRecovery();
      if (r?.granted.includes(orderId)) {
        const box = showResult('success', el('p', { class: 'title', text: '지급 완료! / Delivered!' }), orderLine(orderId));
        box.dataset.orderId = orderId;
      } else {
        retry.disabled = false;
      }
      return undefined;
    });
    children.push(retry);
  }
  const box = showResult('error', ...children);
  box.dataset.code = code;
  if (orderId) box.dataset.orderId = orderId;
}

// --- recovery ------------------------------------------------------------------

/** Runs recover() and shows what it did; resolves with its result or null. */
function runRecovery() {
  state.recovering ??= (async () => {
    const box = $('recovery');
    box.dataset.state = 'running';
    box.replaceChildren(el('p', { class: 'hint', text: '완료되지 않은 주문을 확인하는 중… / Checking for unfinished orders…' }));
    try {
      const r = await state.iap.recover();
      box.dataset.state = 'done';
      box.dataset.granted = String(r.granted.length);
      box.dataset.failed = String(r.failed.length);
      const out = [];
      if (r.granted.length) {
        out.push(el('p', { class: 'ok', testid: 'recovery-granted', text: `${r.granted.length}개 주문 복구됨 / ${r.granted.length} order${r.granted.length === 1 ? '' : 's'} recovered` }));
        const ul = el('ul', { class: 'ids' });
        for (const id of r.granted) ul.append(el('li', {}, el('code', { text: id })));
        out.push(ul);
      }
      if (r.failed.length) {
        out.push(el('p', { class: 'bad', testid: 'recovery-failed', text: `${r.failed.length}개 주문 복구 실패 — 다음에 다시 시도해요 / ${r.failed.length} order${r.failed.length === 1 ? '' : 's'} not recovered yet — will retry next time` }));
        const ul = el('ul', { class: 'ids' });
        for (const f of r.failed) {
          ul.append(el('li', {}, el('code', { text: f.orderId }), ` ${f.code} — ${messageFor(f.code)[0]}`));
        }
        out.push(ul, el('button', { type: 'button', class: 'link', text: '다시 시도 / Retry', onclick: () => runRecovery() }));
      }
      if (!out.length) out.push(el('p', { class: 'hint', testid: 'recovery-none', text: '복구할 주문이 없어요. / Nothing to recover.' }));
      box.replaceChildren(...out);
      if (r.granted.length) { renderSandboxOrders(); await refreshMe(); }
      return r;
    } catch (e) {
      const code = codeOf(e);
      box.dataset.state = 'error';
      box.dataset.code = code;
      box.replaceChildren(
        el('p', { class: 'bad', text: `주문 복구를 못 했어요 / Recovery failed: ${messageFor(code)[0]} / ${messageFor(code)[1]}` }),
        el('p', { class: 'detail' }, el('code', { text: code }), ` ${e?.message ?? ''}`),
        el('button', { type: 'button', class: 'link', text: '다시 시도 / Retry', onclick: () => runRecovery() }));
      return null;
    } finally {
      state.recovering = null;
    }
  })();
  return state.recovering;
}

// --- purchases (orders) ------------------------------------------------------

async function loadOrders(fresh) {
  const list = $('orders');
  const btn = $('orders-load');
  if (fresh) { state.ordersKey = null; list.replaceChildren(); }
  btn.disabled = true;
  try {
    const page = await state.iap.orders({ key: state.ordersKey });
    for (const o of page.orders) {
      const p = state.products.find((x) => x.sku === o.sku);
      list.append(el('li', {},
        el('span', { class: 'name', text: String(p?.displayName ?? o.sku) }),
        el('span', { class: `status ${o.status === 'REFUNDED' ? 'bad' : ''}`, text: o.status }),
        el('br'), el('code', { text: o.orderId }), ` ${o.date ?? ''}`));
    }
    if (!list.children.length) list.append(el('li', { class: 'hint', text: '구매 내역이 없어요. / No purchases yet.' }));
    state.ordersKey = page.hasNext ? page.nextKey : null;
    btn.textContent = page.hasNext ? '더 보기 / More' : '새로고침 / Refresh';
    btn.dataset.more = page.hasNext ? 'true' : 'false';
  } catch (e) {
    const code = codeOf(e);
    list.append(el('li', { class: 'bad', text: `${messageFor(code)[0]} / ${messageFor(code)[1]} (${code})` }));
  } finally {
    btn.disabled = false;
  }
}

// --- sandbox panel -------------------------------------------------------------

const GATES = [
  ['purchase', '일회성 구매 / One-time purchase'],
  ['grantReport', '지급 결과 보고 / Grant report (else legacy)'],
  ['getPendingOrders', '대기 주문 조회 / Pending orders'],
  ['completeProductGrant', '지급 완료 처리 / Complete grant'],
  ['getCompletedOrRefundedOrders', '구매 내역 / Order history'],
  ['subscription', '구독 / Subscriptions'],
];

async function setupSandbox() {
  const panel = $('sandbox');
  if (!state.app) { panel.hidden = true; return; }
  const { MIN_VERSIONS } = await import('./sim/tossapp.js');
  const form = $('app-form');
  const presets = $('presets');
  const fill = () => {
    const c = state.app.constants;
    form.elements.version.value = c.getTossAppVersion;
    form.elements.os.value = c.getPlatformOS;
    form.elements.environment.value = c.getOperationalEnvironment;
    for (const b of presets.children) {
      const a = PRESETS.find((p) => p.id === b.dataset.preset).app;
      b.setAttribute('aria-pressed', String(a.version === c.getTossAppVersion && a.os === c.getPlatformOS && a.environment === c.getOperationalEnvironment));
    }
    renderGates(MIN_VERSIONS);
    renderEnv();
  };
  const apply = (settings) => {
    state.app.setApp(settings);
    try { state.store?.setItem(APP_SETTINGS_KEY, JSON.stringify(settings)); } catch { /* not kept */ }
    fill();
    refreshProducts();
  };
  for (const p of PRESETS) {
    presets.append(el('button', {
      type: 'button', class: 'preset', testid: `preset-${p.id}`, 'data-preset': p.id,
      onclick: () => apply({ ...p.app }),
    }, el('strong', { text: p.label }), el('span', { text: p.note })));
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const version = form.elements.version.value.trim();
    if (!/^\d+(\.\d+)*$/.test(version)) { $('sandbox-out').textContent = '버전은 5.240.0 형식이에요. / Use a version like 5.240.0.'; return; }
    apply({ version, os: form.elements.os.value, environment: form.elements.environment.value });
  });
  const out = $('sandbox-out');
  $('pending').addEventListener('click', async () => {
    try {
      const orders = await state.iap.pendingOrders();
      out.textContent = orders.length
        ? `대기 주문 ${orders.length}개 / ${orders.length} pending: ${orders.map((o) => `${o.orderId} (${o.sku})`).join(', ')}`
        : '대기 주문 없음 / No pending orders';
    } catch (e) {
      out.textContent = `${codeOf(e)}: ${messageFor(codeOf(e))[1]}`;
    }
  });
  $('recover').addEventListener('click', () => runRecovery());
  $('forget').addEventListener('click', () => {
    state.app.clearOrders();
    renderSandboxOrders();
    out.textContent = '시뮬레이터의 주문을 모두 지웠어요. / The simulated app forgot every order.';
  });
  panel.addEventListener('toggle', () => renderSandboxOrders());
  fill();
  renderSandboxOrders();
}

/** The app's completed and refunded orders, each completed one with Refund. */
function renderSandboxOrders() {
  const ul = $('sandbox-orders');
  if (!ul || !state.app) return;
  const orders = [...state.app.orders.values()].filter((o) => o.status === 'COMPLETED' || o.status === 'REFUNDED');
  ul.replaceChildren(...orders.reverse().map((o) => el('li', { testid: `sandbox-order-${o.orderId}`, 'data-status': o.status },
    el('span', { class: 'name', text: o.sku }),
    el('span', { class: `status ${o.status === 'REFUNDED' ? 'bad' : ''}`, text: o.status }),
    o.status === 'COMPLETED' && el('button', {
      type: 'button', class: 'link danger', testid: `refund-${o.orderId}`, text: '환불 / Refund',
      onclick: (e) => refundOrder(o.orderId, e.currentTarget),
    }),
    el('br'), el('code', { text: o.orderId }))));
  if (!orders.length) ul.append(el('li', { class: 'hint', text: '완료된 주문이 없어요. / No completed orders.' }));
}

/**
 * Refunds the order with the Toss simulator, then runs the server's refund
 * sweep at once (it would run by itself every few minutes): the server asks
 * Toss, sees REFUNDED and takes the credit back.
 */
async function refundOrder(orderId, button) {
  const out = $('sandbox-out');
  if (button) button.disabled = true;
  try {
    await api(`/api/dev/toss/orders/${encodeURIComponent(orderId)}/refund`, {});
    state.app.refund(orderId);
    const sweep = await api('/api/dev/sweep', {});
    out.dataset.revoked = String(sweep?.revoked ?? '');
    out.textContent = `환불했어요 / Refunded ${orderId} · 회수 / revoked: ${sweep?.revoked ?? '?'}`;
    await refreshMe();
  } catch (e) {
    out.textContent = `환불하지 못했어요 / Refund failed: ${e?.code ?? ''} ${e?.message ?? e}`;
    if (button) button.disabled = false;
  }
  renderSandboxOrders();
}

function renderGates(MIN_VERSIONS) {
  const ul = $('gates');
  ul.replaceChildren();
  for (const [key, label] of GATES) {
    const min = MIN_VERSIONS[key];
    let ok;
    try { ok = state.sdk.isMinVersionSupported(min); } catch { ok = false; }
    const need = min.android === min.ios ? min.ios : `android ${min.android} / ios ${min.ios}`;
    ul.append(el('li', { class: ok ? 'ok' : 'bad', testid: `gate-${key}`, 'data-ok': String(ok) },
      el('span', { class: 'mark', 'aria-hidden': 'true', text: ok ? '✓' : '✕' }),
      el('span', { text: label }), el('small', { text: `≥ ${need}` })));
  }
}

function renderEnv() {
  const env = $('env');
  let text;
  try {
    const env = state.sdk.getOperationalEnvironment();
    text = `${state.app ? 'SIM · ' : ''}${state.sdk.getPlatformOS()} ${state.sdk.getTossAppVersion()}${env === 'toss' ? '' : ` · ${env}`}`;
  } catch {
    text = state.app ? 'SANDBOX' : 'Toss';
  }
  env.textContent = text;
}

main();
