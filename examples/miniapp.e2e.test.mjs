// miniapp.e2e.test.mjs — the example as make example built it
// (build/miniapp/dist), in the system's chromium: the built page is served
// with the simulated Toss app (web/sim) installed before it, the way the
// Toss webview's native side would be, and a tiny grant endpoint in this
// test that grants every order it is asked about (the example's grant
// server in production is cmd/grantserver; here the test is about the
// page, its Go program and the package). It buys until the team's daily
// limit, checked in Go, refuses before any checkout opens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'build/miniapp/dist');
const sim = join(root, 'web/sim');
const { chromium } = createRequire(join(root, 'web/package.json'))('playwright-core');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

// The simulated app is installed by a module script before the page's own:
// module scripts run in document order.
const SIM = `<script type="module">import { createTossApp } from '/__sim/tossapp.js'; window.tossApp = createTossApp();</script>`;

const grants = [];
let server;
let browser;
let page;
let tmp;

async function serve(req, res) {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'POST' && url.pathname === '/api/grant') {
    let body = '';
    for await (const chunk of req) body += chunk;
    const { orderId, sku } = JSON.parse(body);
    grants.push({ orderId, sku, contentType: req.headers['content-type'] });
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ granted: true, orderId, sku }));
  }
  const [dir, path] = url.pathname.startsWith('/__sim/')
    ? [sim, url.pathname.slice('/__sim/'.length)]
    : [dist, url.pathname === '/' ? 'index.html' : url.pathname.slice(1)];
  const file = normalize(join(dir, path));
  if (!file.startsWith(dir)) return res.writeHead(403).end();
  try {
    let body = await readFile(file);
    if (path === 'index.html') body = body.toString().replace('<head>', `<head>\n${SIM}`);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    return res.end(body);
  } catch {
    return res.writeHead(404).end();
  }
}

before(async () => {
  await readFile(join(dist, 'index.html')).catch(() => { throw new Error('run `make example` first'); });
  server = http.createServer((req, res) => { serve(req, res).catch((e) => res.writeHead(500).end(String(e))); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  tmp = await mkdtemp(join(tmpdir(), 'goiap-miniapp-'));
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  page = await browser.newPage();
  page.setDefaultTimeout(20_000);
});

after(async () => {
  await browser?.close().catch(() => {});
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r()));
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('the built example buys through its own Go program until its daily limit refuses, before any checkout', async () => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  const status = page.locator('#status');
  await assert.doesNotReject(status.filter({ hasText: '준비됐어요' }).waitFor());

  const coin = page.locator('button[data-sku="item_coin_100"]');
  let last = '';
  for (let i = 1; i <= 2; i++) {
    await coin.click();
    last = await page.waitForFunction((prev) => {
      const s = document.querySelector('#status');
      return s.textContent.startsWith('구매 완료') && s.dataset.orderId !== prev && s.dataset.orderId;
    }, last).then((h) => h.jsonValue());
    assert.equal(grants.length, i);
    assert.equal(grants[i - 1].orderId, last);
  }
  assert.deepEqual(grants.map((g) => g.sku), ['item_coin_100', 'item_coin_100']);
  assert.equal(await status.getAttribute('data-order-id'), grants[1].orderId);
  assert.equal(grants[0].contentType, 'application/json');

  // The third: refused in Go, no checkout opened, nothing granted.
  const checkouts = () => page.evaluate(() => window.tossApp.messages.filter((m) => m.type === 'addEventListener').length);
  const before3 = await checkouts();
  await coin.click();
  await page.waitForFunction(() => document.querySelector('#status').dataset.code === 'DAILY_LIMIT');
  assert.match(await status.textContent(), /하루 2번까지/);
  assert.equal(await checkouts(), before3);
  assert.equal(grants.length, 2);

  // Another item has its own limit.
  await page.locator('button[data-sku="item_remove_ads"]').click();
  await page.waitForFunction(() => window.tossApp.orders.size === 3 && document.querySelector('#status').textContent.includes('광고 제거'));
  assert.deepEqual(grants.map((g) => g.sku), ['item_coin_100', 'item_coin_100', 'item_remove_ads']);
  assert.deepEqual(errors, []);
});
