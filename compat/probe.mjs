// probe.mjs — which IAP features work on the SDK the tests load (see
// GOIAP_SDK_DIR in web/test/harness.js): one purchase, one recovery, one
// subscription and one subscriptionInfo() through goiap, the real SDK and
// the simulated app. Prints one JSON line: {"purchase": "pass" | CODE, ...}.
import { app, newClient, resetApp, startGrantServer } from '../web/test/harness.js';

const server = await startGrantServer();
const iap = await newClient({ grantURL: server.url });
resetApp({ version: '5.250.0' }); // new enough for every call
const outcome = (p) => p.then(() => 'pass', (e) => e.code ?? String(e));

const result = {};
result.purchase = await outcome(iap.buy('item_coin_100'));
app.addOrder('item_coin_100', { orderId: 'ord-compat-pending' });
result.recover = await outcome(iap.recover().then((r) => {
  if (r.granted.length !== 1) throw Object.assign(new Error(JSON.stringify(r)), { code: 'NOT_GRANTED' });
}));
let subscriptionOrder = 'ord-compat-none';
result.subscriptions = await outcome(iap.subscribe('sub_premium_monthly').then((r) => { subscriptionOrder = r.orderId; }));
result.getSubscriptionInfo = await outcome(iap.subscriptionInfo(subscriptionOrder));

await iap.close();
await server.close();
app.dispose();
console.log(JSON.stringify(result));
