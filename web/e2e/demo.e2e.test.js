// demo.e2e.test.js — the demo page in a real browser: headless Chromium
// (the system's /usr/bin/chromium, driven by playwright-core; no browser is
// ever downloaded) against the real grant server (cmd/grantserver, built
// here, in dev mode) speaking mTLS to the Toss API simulator (cmd/tosssim,
// its own process), the real SDK, main.wasm, and the simulated Toss app with
// its checkout sheet. The page logs in, every grant is verified with the
// simulator, refunds are swept back; a second origin plays another site.
//
//   make build && node --test web/e2e/
//
// Needs web/main.wasm, web/wasm_exec.js and web/node_modules (make build),
// Go (GO=path overrides), and Chromium (apt-get install chromium;
// CHROMIUM=path overrides).
// Saves screenshots of the checkout sheet and the success state to a temp
// dir, or to docs/ (the README's) with GOIAP_SCREENSHOTS=docs.

import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WEB = join(ROOT, 'web');
const SHOTS_TO_DOCS = process.env.GOIAP_SCREENSHOTS === 'docs';
let DOCS = SHOTS_TO_DOCS ? join(ROOT, 'docs') : undefined; // a temp dir otherwise, set in before()
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const PHONE = { width: 390, height: 844 };

const tid = (id) => `[data-testid="${id}"]`;

let tmp; // temp dir: the binaries, their data, the browser profile
let server; // the grantserver child process
let sim; // the tosssim child process
let tossAPI; // https://127.0.0.1:PORT/ of the simulator
let base; // http://127.0.0.1:PORT/
let serverLog = '';
let context;
let page;
const pageErrors = [];
const dialogs = [];
const cspViolations = []; // console messages about the Content-Security-Policy
const wasmAnswers = []; // {status, encoding, type} of every main.wasm response

async function mustExist(path, hint) {
  try {
    await access(path);
  } catch {
    throw new Error(`${path} is missing: ${hint}`);
  }
}

// build compiles the server and the simulator once.
async function build() {
  const run = promisify(execFile);
  for (const cmd of ['grantserver', 'tosssim']) {
    await run(process.env.GO || 'go', ['build', '-o', join(tmp, cmd), `./cmd/${cmd}`], { cwd: ROOT, timeout: 300_000 });
  }
}

// startProcess runs bin and resolves with the first match of re on its stdout.
function startProcess(bin, args, re) {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.on('data', (b) => { serverLog += b; });
  const lines = createInterface({ input: child.stdout });
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${bin} printed no URL in 20 s:\n${serverLog}`)), 20_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${bin} exited (${code}):\n${serverLog}`)); });
    lines.on('line', (line) => {
      serverLog += `${line}\n`;
      const m = re.exec(line);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  return { child, url };
}

// startServer runs the simulator and the grant server against it, as make
// run does, on addr (a free port at first, the same one after a restart).
async function startServer(addr = '127.0.0.1:0') {
  const data = join(tmp, 'data');
  const simData = join(data, 'tosssim');
  tossAPI = await startSim();
  const g = startProcess(join(tmp, 'grantserver'), [
    '-dev', '-addr', addr, '-data', data, '-web', WEB, '-toss-api', tossAPI, '-refund-sweep', '0',
    '-mtls-cert', join(simData, 'client.pem'), '-mtls-key', join(simData, 'client-key.pem'), '-toss-ca', join(simData, 'ca.pem'),
  ], /^goiap server: (http:\/\/\S+\/)$/);
  server = g.child;
  return g.url;
}

async function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}

// startSim runs the simulator on addr (by default a free port) with its files
// under the server's data directory.
async function startSim(addr = '127.0.0.1:0') {
  const s = startProcess(join(tmp, 'tosssim'), ['-addr', addr, '-data', join(tmp, 'data', 'tosssim')], /^toss simulator: (https:\/\/\S+\/)$/);
  sim = s.child;
  return s.url;
}

// The server first: it finishes its grants while the simulator still answers.
async function stopServer() {
  await stopProcess(server);
  await stopProcess(sim);
}

async function api(path, init) {
  const res = await fetch(new URL(path, base), init);
  const body = await res.json().catch(() => null);
  return { status: res.status, body };
}

const failGrants = (fail) => api('/api/dev/fail-grants', {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fail }),
});

/** POST JSON to our server from Node (no Origin: not a browser page). */
const postJSON = (path, body, headers = {}) => api(path, {
  method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
});

/** The wallet the page shows: {state, userKey, balance, grants}. */
const wallet = () => page.evaluate(() => {
  const d = document.querySelector('[data-testid="wallet"]').dataset;
  return { state: d.state, userKey: Number(d.userKey), balance: Number(d.balance), grants: Number(d.grants) };
});

/** Waits until the wallet shows balance coins and grants grants. */
async function walletAt(balance, grants) {
  await page.waitForSelector(`${tid('wallet')}[data-state="ready"][data-balance="${balance}"][data-grants="${grants}"]`);
  return wallet();
}

/** GET /api/me with the page's session, as the server sees it. */
const me = () => page.evaluate(() => fetch('/api/me', { credentials: 'same-origin' }).then((r) => r.json()));

/** POST /api/grant from the page itself: same origin, its session cookie. */
const grantFromPage = (body) => page.evaluate((b) => fetch('/api/grant', {
  method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b),
}).then(async (r) => ({ status: r.status, body: await r.json() })), body);

/** Buys one item_coin_100 through the sheet; resolves with the order id. */
async function buyCoins() {
  await page.click(tid('buy-item_coin_100'));
  await page.waitForSelector(tid('checkout-sheet'), { state: 'visible' });
  await page.click(tid('checkout-pay'));
  await resultIn('success');
  return page.textContent(tid('result-order-id'));
}

async function openPage() {
  await page.goto(base);
  await page.waitForSelector('body[data-ready="true"]');
}

/** The result area, once it is in `state` (success | error). */
async function resultIn(state) {
  await page.waitForSelector(`${tid('result')}[data-state="${state}"]`);
  return page.locator(tid('result'));
}

// How many checkouts the page has asked the simulated app for.
const checkoutsAsked = () => page.evaluate(() => goiapDemo.app.messages.filter(
  (m) => m.type === 'addEventListener' && m.functionName === 'requestOneTimePurchase').length);

before(async () => {
  await mustExist(join(WEB, 'main.wasm'), 'run `make build` first');
  await mustExist(join(WEB, 'wasm_exec.js'), 'run `make build` first');
  await mustExist(join(WEB, 'node_modules/@apps-in-toss/web-bridge/dist/index.js'), 'run `make build` (npm ci in web/) first');
  await mustExist(CHROMIUM, 'install Chromium (apt-get install chromium) or set CHROMIUM');
  tmp = await mkdtemp(join(tmpdir(), 'goiap-e2e-'));
  process.on('exit', () => { server?.kill('SIGKILL'); sim?.kill('SIGKILL'); }); // never leave them behind
  await build();
  base = await startServer();
  context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS,
    viewport: PHONE, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'ko-KR',
  });
  context.setDefaultTimeout(15_000);
  page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text()); });
  page.on('response', async (r) => {
    if (!/^\/main(\.[0-9a-f]{12})?\.wasm$/.test(new URL(r.url()).pathname)) return; // main.wasm or its content-hashed copy
    const h = await r.allHeaders();
    wasmAnswers.push({ status: r.status(), encoding: h['content-encoding'], type: h['content-type'] });
  });
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  DOCS ??= join(tmp, 'screenshots');
  await mkdir(DOCS, { recursive: true });
});

// A test that failed with the sheet open must not take the next ones down.
afterEach(async () => {
  if (await page?.locator(tid('checkout-sheet')).isVisible().catch(() => false)) {
    await page.click(tid('checkout-cancel'), { timeout: 2000 }).catch(() => {});
  }
});

after(async () => {
  await context?.close().catch(() => {});
  await stopServer();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('the page loads, logs in, recovers nothing and lists the products', async () => {
  await openPage();
  // appLogin → POST /api/login: a Toss user, an empty wallet.
  const w = await wallet();
  assert.equal(w.state, 'ready');
  assert.ok(Number.isSafeInteger(w.userKey) && w.userKey > 0, `a user key: ${w.userKey}`);
  assert.deepEqual([w.balance, w.grants], [0, 0]);
  assert.deepEqual(await me(), { userKey: w.userKey, grants: 0, wallet: { balance: 0 } });
  assert.equal(await page.evaluate(() => goiapDemo.app.userKey), w.userKey);
  // The session is an HttpOnly, SameSite=Strict cookie: no script reads it.
  const cookies = await context.cookies(base);
  assert.equal(cookies.length, 1, JSON.stringify(cookies));
  assert.equal(cookies[0].httpOnly, true);
  assert.equal(cookies[0].sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie), '');
  // main.wasm came brotli-compressed, and the page ran under its CSP.
  assert.deepEqual(wasmAnswers[0], { status: 200, encoding: 'br', type: 'application/wasm' });
  const doc = await fetch(base);
  assert.match(doc.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/]+=*'/);
  assert.equal(doc.headers.get('x-content-type-options'), 'nosniff');
  assert.deepEqual(cspViolations, []);
  for (const sku of ['item_coin_100', 'item_remove_ads', 'sub_premium_monthly']) {
    assert.ok(await page.locator(tid(`buy-${sku}`)).isVisible(), `a buy button for ${sku}`);
  }
  assert.equal(await page.locator(`${tid('product-item_coin_100')} ${tid('product-name')}`).textContent(), '코인 100개');
  // Subscriptions list their offers.
  assert.equal(await page.locator('[data-testid^="buy-sub_premium_monthly--"]').count(), 3);
  await page.waitForSelector(`${tid('recovery')}[data-state="done"]`);
  assert.equal(await page.getAttribute(tid('recovery'), 'data-granted'), '0');
  assert.deepEqual(pageErrors, []);
});

// The server's Prometheus counter of granted requests.
async function grantedCount() {
  const text = await (await fetch(new URL('/metrics', base))).text();
  return Number(/^goiap_grants_total\{result="granted"\} (\S+)$/m.exec(text)?.[1] ?? 0);
}

test('buy → the sheet → Pay → success with the order id, granted on the server', async () => {
  const buy = page.locator(tid('buy-item_coin_100'));
  await buy.click();
  const sheet = page.locator(tid('checkout-sheet'));
  await sheet.waitFor({ state: 'visible' });
  // While the purchase is in flight every buy button is off, the pressed one says so.
  assert.match(await buy.textContent(), /결제 중… \/ Paying…/);
  assert.equal(await page.locator('button.buy:not([disabled])').count(), 0);
  assert.equal(await page.textContent(tid('checkout-title')), '코인 100개');
  assert.equal(await page.textContent(tid('checkout-price')), '1,100원');
  assert.equal(await page.locator(`${tid('checkout-fail-code')} option`).count(), 11);
  await page.screenshot({ path: join(DOCS, 'checkout-sheet.png'), animations: 'disabled' });

  const grantedBefore = await grantedCount();
  await page.click(tid('checkout-pay'));
  const result = await resultIn('success');
  const orderId = await page.textContent(tid('result-order-id'));
  assert.ok(orderId, 'the order id is shown');
  assert.equal(await result.getAttribute('data-order-id'), orderId);
  assert.match(await result.textContent(), /코인 100개/);
  await sheet.waitFor({ state: 'hidden' });
  assert.equal(await page.locator('button.buy[disabled]').count(), 0);
  assert.match(await buy.textContent(), /구매하기/);

  const g = await api(`/api/grants/${encodeURIComponent(orderId)}`);
  assert.equal(g.status, 200, JSON.stringify(g.body));
  assert.equal(g.body.sku, 'item_coin_100');
  assert.equal(g.body.revokedAt, null);
  // The wallet went up once, for this user.
  const w = await walletAt(100, 1);
  assert.equal(g.body.userKey, w.userKey);
  assert.equal(await grantedCount(), grantedBefore + 1, '/metrics counted the grant');
  await page.waitForTimeout(300);
  assert.deepEqual(await me(), { userKey: w.userKey, grants: 1, wallet: { balance: 100 } });
  assert.deepEqual(await page.evaluate(() => goiapDemo.iap.stats()).then((s) => [s.inFlight]), [0]);
  await page.screenshot({ path: join(DOCS, 'purchase-success.png'), animations: 'disabled' });
});

test('buy → Cancel → the cancel message, and Retry opens the sheet again', async () => {
  await page.click(tid('buy-item_remove_ads'));
  await page.waitForSelector(tid('checkout-sheet'), { state: 'visible' });
  assert.equal(await page.textContent(tid('checkout-title')), '광고 제거');
  await page.click(tid('checkout-cancel'));
  const result = await resultIn('error');
  assert.equal(await result.getAttribute('data-code'), 'USER_CANCELED');
  const text = await result.textContent();
  assert.match(text, /결제를 취소했어요/);
  assert.match(text, /You canceled the payment/);
  assert.equal(await page.locator(tid('checkout-sheet')).isVisible(), false);

  await page.click(tid('retry'));
  await page.waitForSelector(tid('checkout-sheet'), { state: 'visible' });
  assert.equal(await page.textContent(tid('checkout-title')), '광고 제거');
  await page.keyboard.press('Escape'); // leaving the sheet is a cancel too
  await page.waitForSelector(`${tid('result')}[data-state="error"][data-code="USER_CANCELED"]`);
});

test('pressing Buy twice fast opens exactly one sheet', async () => {
  const before = await checkoutsAsked();
  await page.dblclick(tid('buy-item_coin_100'));
  await page.waitForSelector(tid('checkout-sheet'), { state: 'visible' });
  await page.waitForTimeout(300); // time for a second checkout to show up, if one were coming
  assert.equal(await checkoutsAsked(), before + 1);
  assert.equal(await page.evaluate(() => goiapDemo.app.checkouts.size), 1);
  await page.click(tid('checkout-cancel'));
  await page.waitForSelector(`${tid('result')}[data-code="USER_CANCELED"]`);

  // Two clicks in one task, and the client asked directly while one runs.
  const second = await page.evaluate(async () => {
    const b = document.querySelector('[data-testid="buy-item_coin_100"]');
    b.click();
    b.click();
    return goiapDemo.iap.buy('item_remove_ads').then(() => 'resolved', (e) => e.code);
  });
  assert.equal(second, 'PURCHASE_IN_PROGRESS');
  await page.waitForSelector(tid('checkout-sheet'), { state: 'visible' });
  await page.waitForTimeout(300);
  assert.equal(await checkoutsAsked(), before + 2);
  assert.equal(await page.evaluate(() => goiapDemo.app.checkouts.size), 1);
  await page.click(tid('checkout-cancel'));
  await page.waitForSelector(`${tid('result')}[data-code="USER_CANCELED"]`);
});

test('every code has a message in Korean and English', async () => {
  const { codes, messages, retry } = await page.evaluate(async () => {
    const [{ CODES }, demo] = await Promise.all([import('./goiap.js'), import('./demo.js')]); // the modules already loaded
    return { codes: [...CODES], messages: demo.MESSAGES, retry: [...demo.RETRY_CODES].sort() };
  });
  assert.equal(codes.length, 19);
  assert.deepEqual(Object.keys(messages).sort(), [...codes].sort());
  for (const [code, [ko, en]] of Object.entries(messages)) {
    assert.match(ko, /[가-힣]/, `${code}: Korean`);
    assert.match(en, /^[\x20-\x7e]+$/, `${code}: English`);
  }
  assert.deepEqual(retry, ['ABORTED', 'INTERNAL_ERROR', 'INVALID_RESPONSE', 'NETWORK_ERROR', 'PRODUCT_NOT_GRANTED_BY_PARTNER',
    'TOSS_SERVER_VERIFICATION_FAILED', 'UNKNOWN', 'USER_CANCELED']);
});

test('"fail with…" in the sheet: each of the SDK\'s codes shows its message', async () => {
  const { codes, messages, retry, afterPayment } = await page.evaluate(async () => {
    const [sim, demo] = await Promise.all([import('./sim/tossapp.js'), import('./demo.js')]);
    return { codes: sim.SDK_CODES, messages: demo.MESSAGES, retry: [...demo.RETRY_CODES], afterPayment: sim.AFTER_PAYMENT_CODES };
  });
  assert.equal(codes.length, 11);
  assert.equal(await page.locator(`${tid('checkout-fail-code')} option`).count(), 11);
  assert.equal(codes.at(-1), 'PRODUCT_NOT_GRANTED_BY_PARTNER'); // its Retry recovers the orders before it
  const paid = [];
  for (const code of codes) {
    await page.click(tid('buy-item_coin_100'));
    await page.waitForSelector(tid('checkout-sheet'), { state: 'visible' });
    await page.selectOption(tid('checkout-fail-code'), code);
    await page.click(tid('checkout-fail'));
    const result = await resultIn('error');
    assert.equal(await result.getAttribute('data-code'), code);
    assert.equal(await page.textContent(tid('result-message')), messages[code][0], code);
    assert.ok((await result.textContent()).includes(messages[code][1]), code);
    assert.equal(await page.locator(tid('retry')).count(), retry.includes(code) ? 1 : 0, `${code}: Retry button`);
    const orderId = await result.getAttribute('data-order-id');
    assert.equal(Boolean(orderId), afterPayment.includes(code), `${code}: order id shown`);
    if (orderId) paid.push(orderId);
    // With an order id, Retry grants that order; it never buys again.
    if (orderId && retry.includes(code)) assert.match(await page.textContent(tid('retry')), /지급 다시 시도 \/ Retry delivery/);
    if (code === 'PRODUCT_NOT_GRANTED_BY_PARTNER') {
      await page.click(tid('retry'));
      await page.waitForSelector(`${tid('result')}[data-state="success"][data-order-id="${orderId}"]`);
      assert.equal((await api(`/api/grants/${encodeURIComponent(orderId)}`)).status, 200);
    }
  }
  // The codes that come after payment left pending orders; Retry delivery
  // ran recover(), which granted them all.
  assert.equal(paid.length, afterPayment.length);
  for (const id of paid) assert.equal((await api(`/api/grants/${encodeURIComponent(id)}`)).status, 200, id);
  assert.equal(await page.getAttribute(tid('recovery'), 'data-granted'), String(afterPayment.length));
  assert.deepEqual(await page.evaluate(() => goiapDemo.app.pendingOrders()), []);
});

test('app text is shown as text, never run as HTML', async () => {
  const evil = '<img src=x onerror=alert(1)>';
  await page.evaluate(async (name) => {
    goiapDemo.app.products.push({ sku: 'item_evil', type: 'CONSUMABLE', displayName: name, displayAmount: '<b>9원</b>', amount: 9, iconUrl: 'x', description: '<script>alert(2)</script>' });
    await goiapDemo.refreshProducts();
  }, evil);
  const item = page.locator(tid('product-item_evil'));
  assert.equal(await item.locator(tid('product-name')).textContent(), evil);
  assert.equal(await page.locator(`${tid('products')} img, ${tid('products')} script, ${tid('products')} b`).count(), 0);
  await page.click(tid('buy-item_evil'));
  await page.waitForSelector(tid('checkout-sheet'), { state: 'visible' });
  assert.equal(await page.textContent(tid('checkout-title')), evil);
  assert.equal(await page.locator(`${tid('checkout-sheet')} img, ${tid('checkout-sheet')} b`).count(), 0);
  await page.click(tid('checkout-cancel'));
  await page.waitForSelector(`${tid('result')}[data-code="USER_CANCELED"]`);
  await page.evaluate(async () => {
    goiapDemo.app.products = goiapDemo.app.products.filter((p) => p.sku !== 'item_evil');
    await goiapDemo.refreshProducts();
  });
  assert.deepEqual(dialogs, []);
});

test('the sandbox panel shows the version gates', async () => {
  await page.click(`${tid('sandbox')} summary`);
  await page.click(tid('preset-too-old'));
  await page.waitForSelector(`${tid('gate-purchase')}[data-ok="false"]`);
  // products() fails too; the list stays, with the reason.
  await page.waitForSelector(`${tid('products-error')}[data-code="UNSUPPORTED_APP_VERSION"]`);
  const before = await checkoutsAsked();
  await page.click(tid('buy-item_coin_100'));
  const result = await resultIn('error');
  assert.equal(await result.getAttribute('data-code'), 'UNSUPPORTED_APP_VERSION');
  assert.match(await result.textContent(), /업데이트/);
  assert.equal(await checkoutsAsked(), before, 'no checkout below 5.219.0');

  await page.click(tid('preset-android-legacy'));
  await page.waitForSelector(`${tid('gate-grantReport')}[data-ok="false"]`);
  assert.equal(await page.getAttribute(tid('gate-purchase'), 'data-ok'), 'true');
  await page.click(tid('preset-sandbox'));
  await page.waitForSelector(`${tid('gate-subscription')}[data-ok="true"]`);
  await page.click(tid('preset-latest'));
  await page.waitForSelector(`${tid('gate-subscription')}[data-ok="true"]`);
  await page.waitForSelector(tid('products-error'), { state: 'detached' });
  assert.equal(await page.textContent(tid('env')), 'SIM · ios 5.250.0');
});

test('a subscription with an offer', async () => {
  await page.click(tid('buy-sub_premium_monthly--offer_trial_7d'));
  await page.waitForSelector(tid('checkout-sheet'), { state: 'visible' });
  assert.equal(await page.textContent(tid('checkout-price')), '0원');
  await page.click(tid('checkout-pay'));
  await resultIn('success');
  const orderId = await page.textContent(tid('result-order-id'));
  await page.waitForSelector(`${tid('subscription-info')}:has-text("ACTIVE")`);
  const g = await api(`/api/grants/${encodeURIComponent(orderId)}`);
  assert.equal(g.status, 200);
  assert.equal(g.body.sku, 'sub_premium_monthly', 'the sku Toss reported');
});

test('a grant that fails is recovered after a reload', async () => {
  assert.equal((await failGrants(true)).body.fail, true);
  try {
    await page.click(tid('buy-item_coin_100'));
    await page.waitForSelector(tid('checkout-sheet'), { state: 'visible' });
    await page.click(tid('checkout-pay'));
    const result = await resultIn('error');
    assert.equal(await result.getAttribute('data-code'), 'PRODUCT_NOT_GRANTED_BY_PARTNER');
    const text = await result.textContent();
    assert.match(text, /안전/);
    assert.match(text, /safe and will be recovered/);
    const orderId = await result.getAttribute('data-order-id');
    assert.ok(orderId, 'the error carries the order id');
    assert.equal(await page.textContent(tid('result-order-id')), orderId);
    assert.equal((await api(`/api/grants/${encodeURIComponent(orderId)}`)).status, 404);
    assert.deepEqual(await page.evaluate(() => goiapDemo.app.pendingOrders().map((o) => o.orderId)), [orderId]);

    assert.equal((await failGrants(false)).body.fail, false);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector(`${tid('recovery')}[data-state="done"]`);
    assert.equal(await page.getAttribute(tid('recovery'), 'data-granted'), '1');
    assert.equal(await page.getAttribute(tid('recovery'), 'data-failed'), '0');
    const recovery = await page.textContent(tid('recovery'));
    assert.match(recovery, /1개 주문 복구됨/);
    assert.match(recovery, /1 order recovered/);
    assert.ok(recovery.includes(orderId), 'the recovered order id is listed');
    const g = await api(`/api/grants/${encodeURIComponent(orderId)}`);
    assert.equal(g.status, 200);
    assert.equal(g.body.sku, 'item_coin_100');
    assert.deepEqual(await page.evaluate(() => goiapDemo.app.pendingOrders()), []);
  } finally {
    await failGrants(false);
  }
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(dialogs, []);
});

test('refund in the sandbox → the sweep revokes it once and the wallet goes down', async () => {
  const before = await wallet();
  const orderId = await buyCoins();
  await walletAt(before.balance + 100, before.grants + 1);

  await page.evaluate(() => { document.getElementById('sandbox').open = true; });
  const row = page.locator(tid(`sandbox-order-${orderId}`));
  assert.equal(await row.getAttribute('data-status'), 'COMPLETED');
  await page.click(tid(`refund-${orderId}`));
  await page.waitForSelector(`${tid('sandbox-out')}[data-revoked="1"]`);
  await walletAt(before.balance, before.grants);
  assert.equal(await page.locator(tid(`sandbox-order-${orderId}`)).getAttribute('data-status'), 'REFUNDED');
  const g = await api(`/api/grants/${encodeURIComponent(orderId)}`);
  assert.equal(g.status, 200);
  assert.ok(g.body.revokedAt, `revoked: ${JSON.stringify(g.body)}`);

  // Once: another sweep finds nothing to revoke, and the wallet stays.
  const again = await postJSON('/api/dev/sweep', {});
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.equal(again.body.revoked, 0);
  await page.evaluate(() => goiapDemo.refreshMe());
  assert.deepEqual(await me(), { userKey: before.userKey, grants: before.grants, wallet: { balance: before.balance } });
  // Granting the refunded order again is refused.
  const replay = await grantFromPage({ orderId, sku: 'item_coin_100' });
  assert.deepEqual([replay.status, replay.body.code], [409, 'order_refunded']);
});

test('a cross-site POST is refused, even with the session cookie', async () => {
  const before = await wallet();
  // A paid order of this user that nobody granted yet.
  const order = await postJSON('/api/dev/toss/orders', { userKey: before.userKey, sku: 'item_coin_100' });
  assert.equal(order.status, 200, JSON.stringify(order.body));
  const { orderId } = order.body;
  const grantURL = new URL('/api/grant', base).href;

  // Another site: a page on 127.0.0.2 posts to the grant endpoint the ways
  // a page can without asking (no-cors fetch, a text/plain form).
  const evil = createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end('<!doctype html><title>another site</title>');
  });
  await new Promise((resolve) => evil.listen(0, '127.0.0.2', resolve));
  const other = await context.newPage();
  try {
    await other.goto(`http://127.0.0.2:${evil.address().port}/`);
    const answers = [];
    other.on('response', (r) => { if (r.url() === grantURL) answers.push(r.status()); });
    await other.evaluate(({ url, body }) => fetch(url, {
      method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body,
    }), { url: grantURL, body: JSON.stringify({ orderId, sku: 'item_coin_100' }) });
    const formAnswer = other.waitForResponse(grantURL);
    await other.evaluate(({ url, orderId }) => {
      const f = document.createElement('form');
      f.method = 'POST';
      f.action = url;
      f.enctype = 'text/plain';
      const i = document.createElement('input');
      i.name = `{"orderId":"${orderId}","x":"`;
      i.value = '"}';
      f.append(i);
      document.body.append(f);
      f.submit();
    }, { url: grantURL, orderId });
    assert.equal((await formAnswer).status(), 403);
    assert.deepEqual(answers, [403, 403]);
  } finally {
    await other.close();
    evil.close();
  }

  // A foreign Origin with the real session cookie: refused before anything else.
  const cookie = (await context.cookies(base)).map((c) => `${c.name}=${c.value}`).join('; ');
  const foreign = await postJSON('/api/grant', { orderId, sku: 'item_coin_100' }, { origin: 'http://evil.test', cookie });
  assert.deepEqual([foreign.status, foreign.body.code], [403, 'cross_site']);

  assert.equal((await api(`/api/grants/${encodeURIComponent(orderId)}`)).status, 404, 'no ledger row');
  assert.deepEqual(await me(), { userKey: before.userKey, grants: before.grants, wallet: { balance: before.balance } });

  // The same order from the page itself is granted: the origin was the reason.
  const own = await grantFromPage({ orderId, sku: 'item_coin_100' });
  assert.deepEqual([own.status, own.body.granted], [200, true]);
  await page.evaluate(() => goiapDemo.refreshMe());
  await walletAt(before.balance + 100, before.grants + 1);
});

test('forged grants from the page are refused with their codes and change nothing', async () => {
  const before = await wallet();
  // Another user, logged in from Node, with an order of their own granted.
  const code = await postJSON('/api/dev/toss/login-code', {});
  const login = await fetch(new URL('/api/login', base), {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ authorizationCode: code.body.authorizationCode, referrer: code.body.referrer }),
  });
  assert.equal(login.status, 200);
  const otherCookie = login.headers.get('set-cookie').split(';')[0];
  const otherUser = code.body.userKey;
  assert.notEqual(otherUser, before.userKey);
  const theirs = (await postJSON('/api/dev/toss/orders', { userKey: otherUser, sku: 'item_coin_100' })).body.orderId;
  const theirGrant = await postJSON('/api/grant', { orderId: theirs, sku: 'item_coin_100' }, { cookie: otherCookie });
  assert.equal(theirGrant.status, 200, JSON.stringify(theirGrant.body));
  const theirsUngranted = (await postJSON('/api/dev/toss/orders', { userKey: otherUser, sku: 'item_coin_100' })).body.orderId;
  // One of ours, granted, to replay with another sku.
  const mine = (await postJSON('/api/dev/toss/orders', { userKey: before.userKey, sku: 'item_remove_ads' })).body.orderId;
  assert.equal((await grantFromPage({ orderId: mine, sku: 'item_remove_ads' })).status, 200);
  await page.evaluate(() => goiapDemo.refreshMe());
  const base1 = await walletAt(before.balance, before.grants + 1); // ads removed: no coins

  const cases = [
    ['a made-up id', { orderId: '01900000-0000-7000-8000-000000000000', sku: 'item_coin_100' }, 404, 'order_not_found'],
    ['another user\'s order', { orderId: theirsUngranted, sku: 'item_coin_100' }, 404, 'order_not_found'],
    ['an order granted to another user', { orderId: theirs, sku: 'item_coin_100' }, 403, 'other_user'],
  ];
  for (const [name, body, status, want] of cases) {
    const r = await grantFromPage(body);
    assert.deepEqual([r.status, r.body.code], [status, want], `${name}: ${JSON.stringify(r.body)}`);
  }
  assert.equal((await api(`/api/grants/${encodeURIComponent(cases[0][1].orderId)}`)).status, 404);
  assert.equal((await api(`/api/grants/${encodeURIComponent(theirsUngranted)}`)).status, 404);
  assert.equal((await api(`/api/grants/${encodeURIComponent(theirs)}`)).body.userKey, otherUser);

  // A replay of our own order claiming a costlier sku: the same answer, the
  // sku Toss reported, nothing credited.
  const replay = await grantFromPage({ orderId: mine, sku: 'item_coin_100' });
  assert.deepEqual([replay.status, replay.body.granted, replay.body.sku], [200, true, 'item_remove_ads']);

  assert.deepEqual(await me(), { userKey: before.userKey, grants: base1.grants, wallet: { balance: base1.balance } });
  const theirMe = await api('/api/me', { headers: { cookie: otherCookie } });
  assert.deepEqual(theirMe.body, { userKey: otherUser, grants: 1, wallet: { balance: 100 } });
});

test('Toss going away mid-run: the grant waits (503), recovery grants it once when Toss is back', async () => {
  const before = await wallet();
  // A paid order the page has not granted yet: pending in the app.
  const { orderId } = (await postJSON('/api/dev/toss/orders', { userKey: before.userKey, sku: 'item_coin_100' })).body;
  await page.evaluate((id) => goiapDemo.app.addOrder('item_coin_100', { orderId: id }), orderId);

  await stopProcess(sim); // Toss is gone
  const down = await page.evaluate(() => goiapDemo.runRecovery());
  assert.deepEqual(down.granted, []);
  assert.deepEqual(down.failed.map((f) => f.orderId), [orderId]);
  assert.equal((await api(`/api/grants/${encodeURIComponent(orderId)}`)).status, 404, 'no row while Toss cannot say');
  const direct = await grantFromPage({ orderId, sku: 'item_coin_100' });
  assert.deepEqual([direct.status, direct.body.code], [503, 'toss_unavailable']);
  await page.evaluate(() => goiapDemo.refreshMe());
  await walletAt(before.balance, before.grants);

  assert.equal(await startSim(new URL(tossAPI).host), tossAPI, 'back on the same address');
  const back = await page.evaluate(() => goiapDemo.runRecovery());
  assert.deepEqual([back.granted, back.failed], [[orderId], []]);
  await walletAt(before.balance + 100, before.grants + 1);
  // Once: recovering again finds nothing, a repeat grant changes nothing.
  assert.deepEqual(await page.evaluate(() => goiapDemo.runRecovery().then((r) => [r.granted, r.failed])), [[], []]);
  assert.equal((await grantFromPage({ orderId, sku: 'item_coin_100' })).status, 200);
  assert.deepEqual(await me(), { userKey: before.userKey, grants: before.grants + 1, wallet: { balance: before.balance + 100 } });
});

test('a restart of the server and the simulator keeps everything', async () => {
  const before = await wallet();
  const grants = await api('/api/grants');
  assert.equal(grants.status, 200);
  const addr = new URL(base).host;
  await stopServer();
  base = await startServer(addr); // the same origin: the page keeps its cookie and storage
  assert.equal(new URL(base).host, addr);

  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  const after = await wallet();
  assert.deepEqual(after, before, 'the same user (the session survived) and the same wallet');
  assert.deepEqual((await api('/api/grants')).body, grants.body, 'the same ledger');
  await page.waitForSelector(`${tid('recovery')}[data-state="done"]`);
  assert.equal(await page.getAttribute(tid('recovery'), 'data-failed'), '0');
  // The reload revalidated main.wasm (304) or took it from the cache.
  assert.ok(wasmAnswers.length >= 2 && wasmAnswers.every((a) => a.status === 200 || a.status === 304), JSON.stringify(wasmAnswers));

  // The simulator kept its users: the same user buys on. (The refund sweep
  // resumes once the stopped instance's sweep lease expires, 30 s: not
  // waited for here.)
  const orderId = await buyCoins();
  await walletAt(before.balance + 100, before.grants + 1);
  assert.equal((await api(`/api/grants/${encodeURIComponent(orderId)}`)).body.userKey, before.userKey);
  assert.deepEqual(cspViolations, []);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(dialogs, []);
});
