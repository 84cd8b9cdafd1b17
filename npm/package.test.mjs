// package.test.mjs — the npm package as a user gets it: make package's
// tarball (GOIAP_TARBALL, or npm pack run here) installed into an empty
// project, imported in Node, where it buys an item through the real SDK and
// the simulated Toss app with its own default main.wasm, and a TypeScript
// use of it type-checked with tsc --noEmit (a wrong use must fail).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile as execFileCb } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const execFile = promisify(execFileCb);
const root = resolve(import.meta.dirname, '..');
const web = join(root, 'web');
const tsc = join(web, 'node_modules/typescript/bin/tsc');
let project;
let tarball;

before(async () => {
  tarball = process.env.GOIAP_TARBALL
    ?? (await execFile('node', [join(root, 'npm/build.mjs'), await mkdtemp(join(tmpdir(), 'goiap-pack-'))])).stdout.trim();
  project = await mkdtemp(join(tmpdir(), 'goiap-user-'));
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
  // The tarball has no dependencies: nothing but it is fetched.
  await execFile('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: project });
});

after(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

test('the installed package has the files package.json names, and no others', async () => {
  const dir = join(project, 'node_modules/goiap');
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'goiap');
  assert.match(pkg.version, /^\d+\.\d+\.\d+/);
  assert.equal(pkg.type, 'module');
  assert.deepEqual(pkg.exports['.'], { types: './goiap.d.ts', default: './goiap.js' });
  assert.equal(pkg.types, './goiap.d.ts');
  assert.deepEqual(pkg.sideEffects, ['./wasm_exec.js']);
  const { stdout } = await execFile('tar', ['tzf', tarball]);
  const packed = stdout.trim().split('\n').map((f) => f.replace(/^package\//, '')).sort();
  assert.deepEqual(packed, [...pkg.files, 'LICENSE', 'README.md', 'package.json'].sort());
  // main.wasm is the one web/ serves, and its compressed forms are of it.
  const { brotliDecompressSync, gunzipSync } = await import('node:zlib');
  const wasm = await readFile(join(dir, 'main.wasm'));
  assert.deepEqual(wasm, await readFile(join(web, 'main.wasm')));
  assert.deepEqual(brotliDecompressSync(await readFile(join(dir, 'main.wasm.br'))), wasm);
  assert.deepEqual(gunzipSync(await readFile(join(dir, 'main.wasm.gz'))), wasm);
  assert.deepEqual(await readFile(join(dir, 'wasm_exec.js')), await readFile(join(web, 'wasm_exec.js')));
});

test('imported by name in Node, it loads its own main.wasm and buys through the real SDK', async () => {
  const script = `
    globalThis.window ??= globalThis;
    const { createTossApp } = await import(${JSON.stringify(pathToFileURL(join(web, 'sim/tossapp.js')).href)});
    const app = createTossApp();
    app.setApp({ version: '5.240.0', os: 'ios', environment: 'toss' });
    app.onCheckout = (c) => c.pay();
    const sdk = await import(${JSON.stringify(pathToFileURL(join(web, 'node_modules/@apps-in-toss/web-bridge/dist/index.js')).href)});
    const { load, CODES } = await import('goiap');
    const grant = async (url, init) => new Response(JSON.stringify({ granted: true, orderId: JSON.parse(init.body).orderId }), { headers: { 'content-type': 'application/json' } });
    const iap = await load({ sdk, grantURL: 'http://127.0.0.1:9/api/grant', fetch: grant });
    const r = await iap.buy('item_coin_100');
    const bad = await iap.buy('').catch((e) => e.code);
    await iap.close();
    app.dispose();
    console.log(JSON.stringify({ codes: CODES.length, orderId: typeof r.orderId, bad, resolved: import.meta.resolve('goiap') }));
  `;
  const { stdout } = await execFile('node', ['--input-type=module', '-e', script], { cwd: project, timeout: 60_000 });
  const got = JSON.parse(stdout.trim().split('\n').pop());
  assert.deepEqual({ ...got, resolved: undefined }, { codes: 19, orderId: 'string', bad: 'INVALID_SKU', resolved: undefined });
  assert.equal(got.resolved, pathToFileURL(join(project, 'node_modules/goiap/goiap.js')).href);
});

test('a TypeScript use of it type-checks, and a wrong one does not', async () => {
  // One tsc run over two files: user.ts must have no error, wrong.ts exactly its two.
  await writeFile(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'],
      strict: true, noEmit: true, skipLibCheck: false, types: [],
    },
    files: ['user.ts', 'wrong.ts'],
  }));
  await writeFile(join(project, 'user.ts'), `
    import { load, CODES, type Client, type IAPError, type Code, type PurchaseResult } from 'goiap';
    declare const sdk: object;
    const iap: Client = await load({ sdk, grantURL: '/api/grant', grantTimeoutMs: 20_000 });
    const { granted, failed } = await iap.recover();
    const firstFailure: Code | undefined = failed[0]?.code;
    try {
      const r: PurchaseResult = await iap.buy('item_coin_100', { signal: AbortSignal.timeout(120_000) });
      if (!('incomplete' in r)) console.log(r.orderId.toUpperCase(), r.amount.toFixed(0), granted.length, firstFailure);
    } catch (e) {
      const err = e as IAPError;
      if (err.code === 'PRODUCT_NOT_GRANTED_BY_PARTNER') console.log(err.orderId ?? '', CODES.length);
    }
    const info = await iap.subscriptionInfo('ord-1');
    console.log(info.isAccessible, iap.stats().inFlight);
    await iap.close();
  `);
  await writeFile(join(project, 'wrong.ts'), `
    import { load, type Code } from 'goiap';
    const iap = await load({ sdk: {} });
    iap.buy(42);
    export const c: Code = 'NOT_A_CODE';
  `);
  const failure = await execFile('node', [tsc, '-p', project], { cwd: project }).then(() => null, (e) => e);
  assert.ok(failure, 'tsc accepted a wrong use');
  const errors = failure.stdout.trim().split('\n').filter((l) => /error TS/.test(l));
  assert.deepEqual(errors.map((l) => l.replace(/^(\w+\.ts)\(\d+,\d+\): error (TS\d+).*/, '$1 $2')), ['wrong.ts TS2345', 'wrong.ts TS2322'], failure.stdout);
});
