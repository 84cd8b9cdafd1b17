// profsum.mjs — summarises a node --cpu-prof profile: self time by area
// (Go code in wasm, wasm_exec.js glue, SDK, simulated app, Node's Response
// and fetch body code, GC …) and the top functions. Usage:
//   node bench/profsum.mjs bench/out/prof/go.cpuprofile [flows] [top]
import { readFile } from 'node:fs/promises';

const [file, flowsArg, topArg] = process.argv.slice(2);
const flows = Number(flowsArg ?? 1);
const top = Number(topArg ?? 25);
const prof = JSON.parse(await readFile(file, 'utf8'));

const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map(); // node id → µs
for (let i = 0; i < prof.samples.length; i++) {
  const dt = prof.timeDeltas[i + 1] ?? 0; // the time until the next sample belongs to this one
  self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
}

export function area(cf) {
  const { url, functionName: fn } = cf;
  if (fn === '(garbage collector)') return 'V8 GC';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'V8 (program)';
  if (url.startsWith('wasm://') || /^\$?wasm-function|^[a-z0-9_/.]+\.[A-Za-z_(*]/.test(fn) && url === '') return 'Go (wasm)';
  if (url.endsWith('wasm_exec.js')) return 'wasm_exec.js glue';
  if (url.includes('@apps-in-toss')) return 'SDK';
  if (url.endsWith('tossapp.js')) return 'simulated app';
  if (url.endsWith('goiap.js')) return 'goiap.js loader';
  if (url.includes('/bench/')) return 'bench (fetch stub, JS flow)';
  if (url.startsWith('node:') || url === '' || url.includes('internal/')) return 'Node/V8 built-ins (Response, promises …)';
  return 'other';
}

const areas = new Map();
const fns = new Map();
let total = 0;
let busy = 0;
for (const [id, us] of self) {
  const n = byId.get(id);
  const a = area(n.callFrame);
  total += us;
  if (a !== 'idle') busy += us;
  areas.set(a, (areas.get(a) ?? 0) + us);
  const name = `${n.callFrame.functionName || '(anonymous)'}  [${a}]`;
  fns.set(name, (fns.get(name) ?? 0) + us);
}

// Inclusive time of the mechanisms and functions that matter for a flow
// (a sample counts once per pattern, however deep the recursion). Names
// match by suffix, so a closure (….func1) is not its parent. Go code that
// runs in a goroutine shows under that goroutine's own root, not under the
// callback that started it.
const INCLUSIVE = [
  // Only code that cannot call back into Go: a nested JS → Go call parks
  // until every goroutine is idle, so everything runnable would count
  // under whatever made it (Promise's executor, an Invoke …).
  ['syscall_js.makeValue', 'js.Value creation (ref + SetFinalizer)'],
  ['runtime.SetFinalizer', '  of which runtime.SetFinalizer'],
  ['syscall_js.ValueOf', 'js.ValueOf (Go maps/strings → JS)'],
  ['syscall_js.Value.Get', 'js.Value.Get'],
  ['runtime.newstack', 'goroutine stack growth (newstack/copystack)'],
  ['runtime.newproc', 'goroutine creation (newproc)'],
  ['runtime.mallocgc', 'Go allocation (mallocgc)'],
  ['runtime.gcBgMarkWorker', 'Go GC mark workers'],
  ['runtime.schedule', 'Go scheduler (schedule)'],
  ['wasm.__Callbacks_.bound', 'wasm.Callbacks.bound (Function.prototype.bind.call)'],
  ['wasm.typeOf', 'wasm.typeOf (Array.isArray per object)'],
  ['bridge.DecodeResult', 'bridge.DecodeResult'],
  ['main.resultValue', 'main.resultValue'],
  ['storeValue', 'wasm_exec storeValue (JS value → Go ref)'],
  ['loadString', 'wasm_exec loadString (TextDecoder, every property name)'],
  ['syscall/js.finalizeRef', 'wasm_exec finalizeRef'],
  ['createOneTimePurchaseOrder', 'SDK createOneTimePurchaseOrder'],
  ['fakeFetch', 'in-process fetch (new Response)'],
];
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const incl = new Map();
for (const [id, us] of self) {
  const seen = new Set();
  for (let n = id; n !== undefined; n = parent.get(n)) {
    const name = byId.get(n).callFrame.functionName;
    for (const [pat] of INCLUSIVE) {
      if (!seen.has(pat) && name.endsWith(pat)) { seen.add(pat); incl.set(pat, (incl.get(pat) ?? 0) + us); }
    }
  }
}

const fmt = (us) => `${(us / flows).toFixed(1).padStart(8)} µs/flow  ${((100 * us) / busy).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${(busy / 1000).toFixed(0)} ms busy of ${(total / 1000).toFixed(0)} ms, ${flows} flows`);
console.log('  self time by area:');
for (const [a, us] of [...areas].sort((x, y) => y[1] - x[1])) if (a !== 'idle') console.log(`    ${fmt(us)}  ${a}`);
console.log('  inclusive time:');
for (const [pat, label] of INCLUSIVE) if (incl.get(pat)) console.log(`    ${fmt(incl.get(pat))}  ${label}`);
console.log(`  top ${top} functions by self time:`);
for (const [f, us] of [...fns].sort((x, y) => y[1] - x[1]).filter(([f]) => !f.includes('[idle]')).slice(0, top)) console.log(`    ${fmt(us)}  ${f}`);
