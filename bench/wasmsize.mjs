// wasmsize.mjs — where the bytes of a Go wasm module go: code by package
// (from the name section of a build without -s -w) and the data segment.
// Usage: node bench/wasmsize.mjs main-syms.wasm [floor-syms.wasm] [top]
import { readFile } from 'node:fs/promises';

function leb(buf, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) return [result, pos];
  }
}

/** Code bytes by package, and section sizes. */
export function analyse(buf) {
  const sections = {};
  let imports = 0;
  let codeSizes = [];
  const names = new Map();
  let pos = 8;
  while (pos < buf.length) {
    const id = buf[pos++];
    let size;
    [size, pos] = leb(buf, pos);
    const start = pos;
    const end = pos + size;
    let name = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'][id] ?? `#${id}`;
    if (id === 0) {
      let n;
      [n, pos] = leb(buf, pos);
      name = `custom:${new TextDecoder().decode(buf.subarray(pos, pos + n))}`;
      pos += n;
      if (name === 'custom:name') {
        while (pos < end) {
          const sub = buf[pos++];
          let len;
          [len, pos] = leb(buf, pos);
          const subEnd = pos + len;
          if (sub === 1) {
            let count;
            [count, pos] = leb(buf, pos);
            for (let i = 0; i < count; i++) {
              let idx; let l;
              [idx, pos] = leb(buf, pos);
              [l, pos] = leb(buf, pos);
              names.set(idx, new TextDecoder().decode(buf.subarray(pos, pos + l)));
              pos += l;
            }
          }
          pos = subEnd;
        }
      }
    } else if (id === 2) {
      let count;
      [count, pos] = leb(buf, pos);
      for (let i = 0; i < count; i++) {
        let l;
        [l, pos] = leb(buf, pos); pos += l; // module
        [l, pos] = leb(buf, pos); pos += l; // name
        const kind = buf[pos++];
        if (kind === 0) { [, pos] = leb(buf, pos); imports++; } else if (kind === 1) { pos += 1; let f; [f, pos] = leb(buf, pos); [, pos] = leb(buf, pos); if (f & 1) [, pos] = leb(buf, pos); } else if (kind === 2) { let f; [f, pos] = leb(buf, pos); [, pos] = leb(buf, pos); if (f & 1) [, pos] = leb(buf, pos); } else if (kind === 3) { pos += 2; }
      }
    } else if (id === 10) {
      let count;
      [count, pos] = leb(buf, pos);
      codeSizes = [];
      for (let i = 0; i < count; i++) {
        let s;
        [s, pos] = leb(buf, pos);
        codeSizes.push(s);
        pos += s;
      }
    }
    sections[name] = (sections[name] ?? 0) + size;
    pos = end;
  }
  const byPkg = new Map();
  const byFunc = new Map();
  codeSizes.forEach((s, i) => {
    const fn = names.get(i + imports) ?? '?';
    byFunc.set(fn, s);
    const pkg = packageOf(fn);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + s);
  });
  return { sections, byPkg, byFunc };
}

function packageOf(fn) {
  // Go's wasm names are mangled: "github.com_goiap_goiap_bridge.__flow_.open".
  let name = fn.replace(/^type_\.(eq|hash)\./, '');
  if (/^(go_)?shape/.test(name)) return 'generic shapes';
  const m = name.match(/^([a-z0-9_.-]+\.[a-z]+_[^.]*|[^.]+)\./i);
  name = m ? m[1] : name;
  return name; // mangled: '/' and '-' read as '_'
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [a, b, topArg] = process.argv.slice(2);
  const top = Number(topArg ?? 25);
  const A = analyse(await readFile(a));
  const B = b ? analyse(await readFile(b)) : { sections: {}, byPkg: new Map() };
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(11);
  console.log(`sections (${a}${b ? ` vs ${b}` : ''}):`);
  for (const [k, v] of Object.entries(A.sections)) console.log(`  ${kb(v)} ${b ? kb(v - (B.sections[k] ?? 0)) + ' more' : ''}  ${k}`);
  console.log(`code by package${b ? ', largest differences' : ''}:`);
  const keys = new Set([...A.byPkg.keys(), ...B.byPkg.keys()]);
  const rows = [...keys].map((k) => [k, A.byPkg.get(k) ?? 0, (A.byPkg.get(k) ?? 0) - (B.byPkg.get(k) ?? 0)]);
  rows.sort((x, y) => Math.abs(y[2]) - Math.abs(x[2]));
  for (const [k, v, d] of rows.slice(0, top)) console.log(`  ${kb(v)} ${b ? `${kb(d)} more` : ''}  ${k}`);
  console.log(`largest functions of this module's own packages (main, goiap):`);
  const own = [...A.byFunc].filter(([f]) => /^main\.|goiap/.test(f)).sort((x, y) => y[1] - x[1]);
  for (const [f, s] of own.slice(0, top)) console.log(`  ${kb(s)}  ${f}`);
}
