// crossings.mjs — where a Go flow's time goes (bash bench/run.sh --crossings):
// counts every Go → JS import call and JS → Go resume per buy(), with the
// property or function each one touched, and the same for start-up.
// Writes crossings.json.
import assert from 'node:assert/strict';
import {
  SKU, app, arg, crossings, goClient, grant, housekeeping, idle, installCountingGo, readBytes, resetCrossings, writeJSON,
} from './lib.mjs';

installCountingGo(); // before the first load(): goiap.js takes globalThis.Go then
const N = Number(arg('flows', 500));
const wasmFile = arg('wasm', 'web/main.wasm');

app.onCheckout = (c) => c.pay();
grant.mode = 'ok';

// Start-up: from bytes to a client that answers stats().
const bytes = await readBytes(wasmFile);
resetCrossings();
crossings.enabled = true;
crossings.detail = true;
const client = await goClient({ wasm: bytes });
client.stats();
crossings.enabled = false;
const startup = snapshot(1);

for (let i = 0; i < 300; i++) await client.buy(SKU); // warm-up
await idle(client);
housekeeping();

resetCrossings();
crossings.enabled = true;
for (let i = 0; i < N; i++) await client.buy(SKU);
await idle(client);
crossings.enabled = false;
const flow = snapshot(N);
assert.equal(app.listenerCount(), 0);
await client.close();

function snapshot(n) {
  const per = (x) => +(x / n).toFixed(2);
  const go2js = Object.fromEntries(Object.entries(crossings.go2js).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k.replace('syscall/js.', ''), per(v)]));
  const total = Object.values(crossings.go2js).reduce((a, b) => a + b, 0);
  // What the code asks for, without the runtime's clock reads and the
  // finalizers' releases (those follow GC timing).
  const structural = Object.entries(crossings.go2js).filter(([k]) => k.startsWith('syscall/js.') && k !== 'syscall/js.finalizeRef').reduce((a, [, b]) => a + b, 0);
  const names = Object.fromEntries(Object.entries(crossings.names).sort((a, b) => b[1] - a[1]).filter(([, v]) => v / n >= 0.05).map(([k, v]) => [k, per(v)]));
  return {
    n, goToJS: per(total), goToJSValueOps: per(structural), jsToGo: per(crossings.resume.callback), timerResumes: per(crossings.resume.timer),
    byImport: go2js, byName: names,
  };
}

await writeJSON('crossings.json', { wasm: wasmFile, startup, flow });

const show = (title, s, top) => {
  console.log(`\n${title}: Go→JS ${s.goToJS} (syscall/js value ops ${s.goToJSValueOps}, the rest clock reads and finalizers), JS→Go callbacks ${s.jsToGo}, Go timer wake-ups ${s.timerResumes}`);
  console.log('  by import:');
  for (const [k, v] of Object.entries(s.byImport)) console.log(`    ${String(v).padStart(8)}  ${k}`);
  console.log(`  by property / function (top ${top}):`);
  for (const [k, v] of Object.entries(s.byName).slice(0, top)) console.log(`    ${String(v).padStart(8)}  ${k}`);
};
show('start-up (load() → stats())', startup, 15);
show(`per buy() (mean of ${N} flows)`, flow, 60);
