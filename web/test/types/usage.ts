// usage.ts — a typed mini-app that must compile against goiap.d.ts
// (tsc --noEmit, from types.test.js); the @ts-expect-error lines must fail.
import { load, preload, CODES, type Code, type IAPError, type PurchaseResult } from '../../goiap.js';

declare const sdk: unknown;

async function main(): Promise<void> {
  // main.wasm started before the rest of the page, as the demo does.
  const wasm = preload(fetch('./main.wasm'));
  const iap = await load({ sdk, wasm, grantURL: '/api/grant', grantTimeoutMs: 20000 });
  const ac = new AbortController();
  try {
    const r: PurchaseResult = await iap.buy('item_coin_100', { signal: ac.signal });
    if ('incomplete' in r) {
      const id: string = r.orderId;
      console.log(id);
    } else {
      const amount: number = r.amount;
      const icon: string | null = r.miniAppIconUrl;
      console.log(amount, icon);
    }
  } catch (e) {
    const err = e as IAPError;
    const code: Code = err.code;
    if (code === 'USER_CANCELED' || code === 'PRODUCT_NOT_GRANTED_BY_PARTNER') console.log(err.orderId ?? '');
    // @ts-expect-error: not a code
    const bad: Code = 'NOT_A_CODE';
    console.log(bad);
  }
  for (const p of await iap.products()) {
    if (p.type === 'SUBSCRIPTION') for (const o of p.offers ?? []) console.log(o.offerId, o.type);
  }
  const page = await iap.orders({ key: 'k' });
  const next: string | null = page.nextKey;
  const rec = await iap.recover();
  const failed: Code[] = rec.failed.map((f) => f.code);
  const info = await iap.subscriptionInfo('ord-1');
  const expires: string | null = info.expiresAt;
  const { inFlight, liveCallbacks } = iap.stats();
  const all: readonly Code[] = CODES;
  console.log(next, failed, expires, inFlight, liveCallbacks, all.length);
  // @ts-expect-error: buy takes a SKU string
  await iap.buy(42);
  await iap.close();
}

void main();
