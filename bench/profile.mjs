// profile.mjs — runs only Go flows (or only JS flows, --js) under
// node --cpu-prof, for bench/run.sh --crossings. main-syms.wasm keeps Go's
// function names (built without -s -w) so the profile can name them.
import { SKU, app, arg, goClient, grant, housekeeping, idle, jsBuy, readBytes } from './lib.mjs';

const N = Number(arg('flows', 4000));
app.onCheckout = (c) => c.pay();
grant.mode = 'ok';
if (process.argv.includes('--js')) {
  for (let i = 0; i < N; i++) { await jsBuy(SKU); if (i % 500 === 499) housekeeping(); }
} else {
  const client = await goClient({ wasm: await readBytes(arg('wasm', 'bench/out/main-syms.wasm')) });
  for (let i = 0; i < N; i++) {
    await client.buy(SKU);
    if (i % 500 === 499) { await idle(client); housekeeping(); }
  }
  await client.close();
}
