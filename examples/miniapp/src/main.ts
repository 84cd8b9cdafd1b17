// main.ts — the page: two items, bought through the team's Go program.
import * as sdk from '@apps-in-toss/web-framework';
import { startShop, type ShopError } from './shop';

const ITEMS = [
  { sku: 'item_coin_100', name: '코인 100개' },
  { sku: 'item_remove_ads', name: '광고 제거' },
];
const MESSAGES: Partial<Record<ShopError['code'], string>> = {
  DAILY_LIMIT: '오늘은 더 살 수 없어요 (하루 2번까지)',
  USER_CANCELED: '결제를 취소했어요',
  PRODUCT_NOT_GRANTED_BY_PARTNER: '결제는 됐지만 지급하지 못했어요. 다시 들어오면 지급돼요',
};

const status = document.querySelector<HTMLParagraphElement>('#status')!;
const list = document.querySelector<HTMLUListElement>('#items')!;

// Vite copies wasm/main.wasm into the build as an asset.
const shop = await startShop({ sdk, wasm: new URL('../wasm/main.wasm', import.meta.url), grantURL: '/api/grant' });
const { granted } = await shop.recover(); // on every entry
status.textContent = granted ? `이전 결제 ${granted}건을 지급했어요` : '준비됐어요';

for (const item of ITEMS) {
  const li = document.createElement('li');
  const button = document.createElement('button');
  button.textContent = `${item.name} 사기`;
  button.dataset.sku = item.sku;
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const r = await shop.buy(item.sku);
      status.textContent = `구매 완료: ${r.displayName} ${r.displayAmount} (${r.orderId})`;
      status.dataset.orderId = r.orderId;
    } catch (e) {
      const { code } = e as ShopError;
      status.textContent = MESSAGES[code] ?? `실패: ${code}`;
      status.dataset.code = code;
    } finally {
      button.disabled = false;
    }
  });
  li.append(button);
  list.append(li);
}
