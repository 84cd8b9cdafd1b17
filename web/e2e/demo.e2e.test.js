// demo.e2e.test.js — the demo page in a real browser: headless Chromium
// (the system's /usr/bin/chromium, driven by playwright-core; no browser is
// ever downloaded) against the real dev server (cmd/devserver, built here),
// the real SDK, main.wasm, and the simulated Toss app with its checkout sheet.
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

let tmp; // temp dir: devserver binary, its data, the browser profile
let server; // the devserver child process
let base; // http://127.0.0.1:PORT/
let serverLog = '';
let context;
let page;
const pageErrors = [];
const dialogs = [];

async function mustExist(path, hint) {
  try {
    await access(path);
  } catch {
    throw new Error(`${path} is missing: ${hint}`);
  }
}

// startServer builds cmd/devserver and runs it on a free loopback port.
async function startServer() {
  const bin = join(tmp, 'devserver');
  await promisify(execFile)(process.env.GO || 'go', ['build', '-o', bin, './cmd/devserver'], { cwd: ROOT, timeout: 300_000 });
  server = spawn(bin, ['-addr', '127.0.0.1:0', '-data', join(tmp, 'data'), '-web', WEB], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr.on('data', (b) => { serverLog += b; });
  const lines = createInterface({ input: server.stdout });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`devserver printed no URL in 20 s:\n${serverLog}`)), 20_000);
    server.once('exit', (code) => { clearTimeout(timer); reject(new Error(`devserver exited (${code}):\n${serverLog}`)); });
    lines.on('line', (line) => {
      serverLog += `${line}\n`;
      const m = /goiap dev server: (http:\/\/\S+\/)/.exec(line);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
}

async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  const t = setTimeout(() => server.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}

async function api(path, init) {
  const res = await fetch(new URL(path, base), init);
  const body = await res.json().catch(() => null);
  return { status: res.status, body };
}

const failGrants = (fail) => api('/api/dev/fail-grants', {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fail }),
});

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
  process.on('exit', () => server?.kill('SIGKILL')); // never leave it behind
  base = await startServer();
  context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS,
    viewport: PHONE, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'ko-KR',
  });
  context.setDefaultTimeout(15_000);
  page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
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

test('the page loads, recovers nothing and lists the products', async () => {
  await openPage();
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
  assert.ok(g.body.subscriptionId, `grant has a subscriptionId: ${JSON.stringify(g.body)}`);
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
