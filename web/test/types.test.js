// types.test.js — goiap.d.ts describes the loader: a typed usage file
// compiles against it with tsc --noEmit (typescript is pinned in
// package-lock.json), and its codes are the ones goiap.js exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { CODES } from '../goiap.js';

test('goiap.d.ts type-checks a typed mini-app (tsc --noEmit)', { timeout: 120_000 }, async () => {
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  const project = fileURLToPath(new URL('./types/tsconfig.json', import.meta.url));
  try {
    await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', project]);
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});

test('the generated codes are the loader\'s: 19, the SDK\'s eleven first', () => {
  assert.equal(CODES.length, 19);
  assert.ok(Object.isFrozen(CODES));
  assert.equal(CODES[10], 'PRODUCT_NOT_GRANTED_BY_PARTNER');
});
