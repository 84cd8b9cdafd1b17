// size.mjs — main.wasm against the hello-world Go program (bench/hello, the
// floor of any Go page) and the floor program (bench/floor), built in the
// same run with the same flags: raw, gzip -9 and brotli -q 11. Writes size.json.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { arg, readBytes, writeJSON } from './lib.mjs';

function sizes(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}

const main = sizes(await readBytes(arg('wasm', 'web/main.wasm')));
const floor = sizes(await readBytes('bench/out/floor.wasm'));
const hello = sizes(await readBytes('bench/out/hello.wasm'));
const ratio = Object.fromEntries(Object.keys(main).map((k) => [k, main[k] / floor[k]]));
const ratioHello = Object.fromEntries(Object.keys(main).map((k) => [k, main[k] / hello[k]]));
const r = { main, floor, hello, ratio, ratioHello };
await writeJSON('size.json', r);
const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
console.log(`size: main ${kb(main.brotli)} br vs hello ${kb(hello.brotli)} br: ×${ratioHello.brotli.toFixed(3)} (raw ×${ratioHello.raw.toFixed(3)}, gzip ×${ratioHello.gzip.toFixed(3)})`);
console.log(`size: main ${kb(main.raw)} / ${kb(main.gzip)} gz / ${kb(main.brotli)} br; floor ${kb(floor.raw)} / ${kb(floor.gzip)} / ${kb(floor.brotli)}; ratios ${ratio.raw.toFixed(3)} ${ratio.gzip.toFixed(3)} ${ratio.brotli.toFixed(3)}`);
