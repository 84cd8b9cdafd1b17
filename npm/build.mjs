// build.mjs — make package: the npm package in build/npm/goiap/, packed with
// npm pack. Its files come from web/ after make build: the loader and its
// types, main.wasm with its brotli and gzip forms, and wasm_exec.js from the
// toolchain that built main.wasm.
//
//   node npm/build.mjs [outDir]     VERSION=X.Y.Z sets the version
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = resolve(process.argv[2] ?? join(root, 'build/npm'));
const pkgDir = join(out, 'goiap');

// The version: VERSION, else the v-tag this commit is at (v1.2.3 → 1.2.3),
// else a pre-release that sorts below every release.
function version() {
  if (process.env.VERSION) return process.env.VERSION.replace(/^v/, '');
  try {
    return execFileSync('git', ['describe', '--tags', '--exact-match', '--match', 'v[0-9]*'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString().trim().replace(/^v/, '');
  } catch {
    return '0.0.0-dev';
  }
}
const v = version();
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v)) throw new Error(`not a semantic version: ${v}`);

rmSync(pkgDir, { recursive: true, force: true });
mkdirSync(pkgDir, { recursive: true });
const copy = (from, to = from.split('/').pop()) => copyFileSync(join(root, from), join(pkgDir, to));
copy('web/goiap.js');
copy('web/goiap.d.ts');
copy('web/wire.gen.js'); // the codes and wire shapes, generated from package bridge
copy('web/wire.gen.d.ts');
copy('web/wasm_exec.js');
copy('web/main.wasm');
copy('npm/README.md');
copy('LICENSE');

// make build's compressed forms when they are of this main.wasm, else new ones.
const wasm = readFileSync(join(pkgDir, 'main.wasm'));
const fresh = (f) => existsSync(f) && statSync(f).mtimeMs >= statSync(join(root, 'web/main.wasm')).mtimeMs;
for (const [ext, compress] of [
  ['br', () => brotliCompressSync(wasm, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: wasm.length } })],
  ['gz', () => gzipSync(wasm, { level: 9 })],
]) {
  const made = join(root, `web/main.wasm.${ext}`);
  if (fresh(made)) copyFileSync(made, join(pkgDir, `main.wasm.${ext}`));
  else writeFileSync(join(pkgDir, `main.wasm.${ext}`), compress());
}

const files = ['goiap.js', 'goiap.d.ts', 'wire.gen.js', 'wire.gen.d.ts', 'wasm_exec.js', 'main.wasm', 'main.wasm.br', 'main.wasm.gz'];
const pkg = {
  name: 'goiap',
  version: v,
  description: 'In-app purchases for Toss mini-apps, in Go: the loader and main.wasm of the goiap purchase client',
  license: 'MIT',
  type: 'module',
  // main.wasm is an export of its own so that a page or a server can name
  // it (import.meta.resolve('goiap/main.wasm')); the loader finds it by
  // itself with new URL('./main.wasm', import.meta.url), which bundlers
  // turn into a copied asset.
  exports: {
    '.': { types: './goiap.d.ts', default: './goiap.js' },
    './main.wasm': './main.wasm',
    './main.wasm.br': './main.wasm.br',
    './main.wasm.gz': './main.wasm.gz',
    './wasm_exec.js': './wasm_exec.js',
    './package.json': './package.json',
  },
  main: './goiap.js',
  types: './goiap.d.ts',
  files,
  // Only wasm_exec.js does something on import (it defines globalThis.Go).
  sideEffects: ['./wasm_exec.js'],
  engines: { node: '>=20' },
  peerDependencies: { '@apps-in-toss/web-framework': '>=2.0.1' },
  peerDependenciesMeta: { '@apps-in-toss/web-framework': { optional: true } },
  keywords: ['toss', 'apps-in-toss', 'in-app-purchase', 'iap', 'webassembly', 'go'],
};
writeFileSync(join(pkgDir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: pkgDir }).toString());
// Also under a name without the version, for file: dependencies (the example's).
copyFileSync(join(out, packed.filename), join(out, 'goiap.tgz'));
console.log(join(out, packed.filename));
