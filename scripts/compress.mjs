// compress.mjs — writes FILE.br (brotli, quality 11) and FILE.gz (gzip,
// level 9) beside each FILE given, for servers that send precompressed
// files by Accept-Encoding (the grant server does; so can a CDN). Node's
// zlib only: the build needs nothing beyond Go and Node.
//
//   node scripts/compress.mjs web/main.wasm web/wasm_exec.js
//
// Each output is written to a temporary name and renamed, so a server
// never sends a half-written file.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/compress.mjs FILE...');
  process.exit(2);
}

function write(path, bytes) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

for (const file of files) {
  const raw = readFileSync(file);
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, // 11
      [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS, // 24
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION }); // 9
  write(`${file}.br`, br);
  write(`${file}.gz`, gz);
  console.log(`${file}: ${raw.length} bytes, gzip ${gz.length}, brotli ${br.length}`);
}
