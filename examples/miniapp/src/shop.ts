// shop.ts — starts the team's own Go program (wasm/main.go, built to
// wasm/main.wasm) with the Go runtime from the goiap package.
import 'goiap/wasm_exec.js'; // defines globalThis.Go; the same Go release must build wasm/main.wasm
import type { Code } from 'goiap';

/** The codes the shop rejects with: goiap's (from bridge) and the team's own. */
export type ShopErrorCode = Code | 'DAILY_LIMIT';

export interface ShopError extends Error {
  code: ShopErrorCode;
  orderId?: string;
}

export interface Shop {
  buy(sku: string): Promise<{ orderId: string; displayName: string; displayAmount: string }>;
  boughtToday(sku: string): Promise<number>;
  recover(): Promise<{ granted: number; failed: number }>;
}

declare global {
  // wasm_exec.js's runtime class, and the hand-over main.go reads.
  // eslint-disable-next-line no-var
  var Go: new () => { importObject: WebAssembly.Imports; run(instance: WebAssembly.Instance): Promise<void> };
  // eslint-disable-next-line no-var
  var miniapp: { sdk: object; grantURL: string; ready(shop: Shop): void; fail(err: Error): void } | undefined;
}

export async function startShop(opts: { sdk: object; wasm: URL; grantURL: string }): Promise<Shop> {
  const go = new Go();
  const started = new Promise<Shop>((ready, fail) => {
    globalThis.miniapp = { sdk: opts.sdk, grantURL: opts.grantURL, ready, fail };
  });
  const { instance } = await WebAssembly.instantiateStreaming(fetch(opts.wasm), go.importObject);
  void go.run(instance);
  return started;
}
