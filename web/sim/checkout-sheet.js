// checkout-sheet.js — the sandbox checkout: a bottom sheet drawn over the
// page when it runs on the simulated Toss app (tossapp.js), standing in for
// the payment screen the real app shows. The user pays, cancels, or picks
// one of the SDK's error codes to fail with.
//
//   import { createTossApp } from './tossapp.js';
//   import { attachCheckoutSheet } from './checkout-sheet.js';
//   const app = createTossApp();
//   attachCheckoutSheet(app);          // app.onCheckout now opens the sheet
//
// Every text that comes from the app (product names, prices) is set with
// textContent. Test ids: checkout-sheet, checkout-title, checkout-price,
// checkout-pay, checkout-cancel, checkout-fail-code, checkout-fail.

import { SDK_CODES } from './tossapp.js';

const STYLE_ID = 'goiap-checkout-sheet-style';

const CSS = `
.gs-backdrop{position:fixed;inset:0;z-index:1000;background:rgba(0,23,51,.42);display:flex;align-items:flex-end;justify-content:center;animation:gs-fade .15s ease-out}
.gs-backdrop[hidden]{display:none}
.gs-sheet{box-sizing:border-box;width:100%;max-width:480px;max-height:92vh;overflow:auto;background:#fff;border-radius:24px 24px 0 0;padding:8px 24px calc(20px + env(safe-area-inset-bottom));box-shadow:0 -4px 24px rgba(0,0,0,.12);animation:gs-up .2s ease-out;font:15px/1.45 -apple-system,BlinkMacSystemFont,"Apple SD Gothic Neo","Pretendard","Noto Sans KR","Malgun Gothic",sans-serif;color:#191f28}
.gs-grip{width:36px;height:4px;border-radius:2px;background:#e5e8eb;margin:4px auto 14px}
.gs-brand{display:flex;align-items:center;gap:6px;font-size:13px;color:#6b7684;margin:0 0 14px}
.gs-brand .gs-logo{color:#3182f6;font-weight:700}
.gs-badge{margin-left:auto;font-size:11px;font-weight:600;color:#d22030;background:#ffeeee;border-radius:6px;padding:2px 6px}
.gs-item{display:flex;align-items:center;gap:12px;margin-bottom:6px}
.gs-avatar{flex:none;width:44px;height:44px;border-radius:12px;background:#e8f3ff;color:#3182f6;display:grid;place-items:center;font-weight:700;font-size:18px}
.gs-title{font-size:17px;font-weight:700;margin:0;word-break:break-word}
.gs-sub{font-size:13px;color:#6b7684;margin:2px 0 0;word-break:break-word}
.gs-row{display:flex;justify-content:space-between;align-items:baseline;border-top:1px solid #f2f4f6;margin-top:14px;padding-top:14px}
.gs-row span{color:#6b7684}
.gs-price{font-size:22px;font-weight:700}
.gs-status{min-height:20px;margin:10px 0 0;font-size:13px;color:#3182f6}
.gs-actions{display:flex;gap:8px;margin-top:12px}
.gs-btn{flex:1;border:0;border-radius:14px;padding:15px 12px;font:inherit;font-weight:600;cursor:pointer}
.gs-btn:disabled{opacity:.45;cursor:default}
.gs-btn:focus-visible{outline:3px solid #90c2ff;outline-offset:2px}
.gs-cancel{flex:0 0 34%;background:#f2f4f6;color:#4e5968}
.gs-pay{background:#3182f6;color:#fff}
.gs-fail{display:flex;gap:8px;align-items:center;margin-top:14px;padding-top:12px;border-top:1px dashed #e5e8eb;font-size:13px;color:#6b7684}
.gs-fail label{flex:none}
.gs-fail select{flex:1;min-width:0;font:inherit;font-size:12px;padding:7px 6px;border:1px solid #d1d6db;border-radius:8px;background:#fff;color:#333d4b}
.gs-fail button{flex:none;font:inherit;font-size:12px;font-weight:600;padding:7px 10px;border:1px solid #d1d6db;border-radius:8px;background:#fff;color:#d22030;cursor:pointer}
.gs-fail button:disabled{opacity:.45;cursor:default}
@keyframes gs-up{from{transform:translateY(40px);opacity:.6}to{transform:none;opacity:1}}
@keyframes gs-fade{from{opacity:0}to{opacity:1}}
@media (prefers-reduced-motion: reduce){.gs-backdrop,.gs-sheet{animation:none}}
`;

const PERIODS = { D: ['일', 'day'], W: ['주', 'week'], M: ['개월', 'month'], Y: ['년', 'year'] };

/** 'P7D' → '7일 / 7 days'; anything else is shown as it is. */
export function periodText(p) {
  const m = /^P(\d+)([DWMY])$/.exec(String(p ?? ''));
  if (!m) return String(p ?? '');
  const n = Number(m[1]);
  const [ko, en] = PERIODS[m[2]];
  return `${n}${ko} / ${n} ${en}${n === 1 ? '' : 's'}`;
}

const OFFER_NAMES = {
  FREE_TRIAL: '무료 체험 / Free trial',
  NEW_SUBSCRIPTION: '신규 구독 할인 / New subscriber offer',
  RETURNING: '재구독 할인 / Welcome-back offer',
};

/** The offer's label, e.g. '무료 체험 / Free trial · 7일 / 7 days'. */
export function offerText(offer) {
  const name = OFFER_NAMES[offer?.type] ?? String(offer?.type ?? 'offer');
  return offer?.period ? `${name} · ${periodText(offer.period)}` : name;
}

function el(doc, tag, props = {}, ...children) {
  const node = doc.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k === 'testid') node.dataset.testid = v;
    else if (k in node && typeof v !== 'string') node[k] = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

const styled = new WeakSet();

/**
 * Adds the sheet's stylesheet to doc once: as a constructed stylesheet
 * where the browser has them, which a Content-Security-Policy without
 * 'unsafe-inline' styles allows (it blocks a <style> element); as a
 * <style> element elsewhere.
 */
function addStyle(doc) {
  if (styled.has(doc) || doc.getElementById(STYLE_ID)) return;
  styled.add(doc);
  const Sheet = doc.defaultView?.CSSStyleSheet;
  if (Sheet && Array.isArray(doc.adoptedStyleSheets)) {
    try {
      const sheet = new Sheet();
      sheet.replaceSync(CSS);
      doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
      return;
    } catch { /* fall back to <style> */ }
  }
  doc.head.append(el(doc, 'style', { id: STYLE_ID, text: CSS }));
}

/**
 * Builds the sheet (hidden until a checkout arrives) and appends it to
 * document.body. show(checkout) opens it; checkouts that arrive while one
 * is open wait their turn.
 *
 * @param {object} [opts]
 * @param {Document} [opts.document]
 * @param {string[]} [opts.codes] the codes the "fail with…" select offers (default: the SDK's eleven)
 */
export function createCheckoutSheet(opts = {}) {
  const doc = opts.document ?? globalThis.document;
  const codes = opts.codes ?? SDK_CODES;
  addStyle(doc);

  const title = el(doc, 'p', { class: 'gs-title', id: 'gs-title', testid: 'checkout-title' });
  const sub = el(doc, 'p', { class: 'gs-sub', testid: 'checkout-detail' });
  const avatar = el(doc, 'div', { class: 'gs-avatar', 'aria-hidden': 'true' });
  const price = el(doc, 'strong', { class: 'gs-price', testid: 'checkout-price' });
  const status = el(doc, 'p', { class: 'gs-status', role: 'status', testid: 'checkout-status' });
  const pay = el(doc, 'button', { class: 'gs-btn gs-pay', type: 'button', testid: 'checkout-pay' });
  const cancel = el(doc, 'button', { class: 'gs-btn gs-cancel', type: 'button', testid: 'checkout-cancel', text: '취소 / Cancel' });
  const select = el(doc, 'select', { id: 'gs-fail-code', testid: 'checkout-fail-code' });
  for (const code of codes) select.append(el(doc, 'option', { value: code, text: code }));
  const failBtn = el(doc, 'button', { type: 'button', testid: 'checkout-fail', text: '실패 적용 / Fail' });

  const sheet = el(doc, 'div', { class: 'gs-sheet', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'gs-title', testid: 'checkout-sheet' },
    el(doc, 'div', { class: 'gs-grip' }),
    el(doc, 'p', { class: 'gs-brand' }, el(doc, 'span', { class: 'gs-logo', text: 'toss' }), doc.createTextNode('결제 / Checkout'),
      el(doc, 'span', { class: 'gs-badge', text: 'SANDBOX' })),
    el(doc, 'div', { class: 'gs-item' }, avatar, el(doc, 'div', {}, title, sub)),
    el(doc, 'div', { class: 'gs-row' }, el(doc, 'span', { text: '결제 금액 / Total' }), price),
    status,
    el(doc, 'div', { class: 'gs-actions' }, cancel, pay),
    el(doc, 'div', { class: 'gs-fail' },
      el(doc, 'label', { for: 'gs-fail-code', text: 'fail with…' }), select, failBtn),
  );
  const backdrop = el(doc, 'div', { class: 'gs-backdrop', hidden: true, testid: 'checkout-backdrop' }, sheet);
  doc.body.append(backdrop);

  let current = null; // the checkout on screen
  let busy = false; // the user acted; waiting for the app to finish
  const queue = [];
  let returnFocus = null;

  const setBusy = (b, text = '') => {
    busy = b;
    for (const b2 of [pay, cancel, select, failBtn]) b2.disabled = b;
    status.textContent = text;
  };

  function render(c) {
    const p = c.product;
    const name = p?.displayName ?? String(c.sku ?? '');
    title.textContent = name;
    avatar.textContent = [...name.trim()][0] ?? '?';
    const offer = c.offerId ? p?.offers?.find((o) => o.offerId === c.offerId) : null;
    let amount = p?.displayAmount ?? '—';
    const lines = [];
    if (c.kind === 'subscription') {
      lines.push(`정기 결제 / Subscription${p?.renewalCycle ? ` · ${p.renewalCycle}` : ''}`);
      if (offer) {
        lines.push(offerText(offer));
        amount = offer.type === 'FREE_TRIAL' ? '0원' : (offer.displayAmount ?? amount);
      } else if (c.offerId) {
        lines.push(`offer ${c.offerId}`);
      }
    } else if (c.kind === 'legacy') {
      lines.push('일회성 구매 (이전 방식) / One-time (legacy app)');
    } else {
      lines.push('일회성 구매 / One-time purchase');
    }
    if (!p) lines.push(`상품 없음 / unknown product: ${c.sku}`);
    sub.textContent = lines.join(' · ');
    price.textContent = amount;
    pay.textContent = `${amount} 결제하기 / Pay`;
  }

  function open(c) {
    current = c;
    setBusy(false);
    render(c);
    c.onClose = () => { if (current === c) close(); };
    returnFocus = doc.activeElement;
    backdrop.hidden = false;
    pay.focus();
  }

  function close() {
    current = null;
    setBusy(false);
    backdrop.hidden = true;
    const next = queue.shift();
    if (next) {
      if (next.open !== false && !next.settled) open(next);
      else close();
      return;
    }
    if (returnFocus && doc.contains(returnFocus) && !returnFocus.disabled) returnFocus.focus();
    returnFocus = null;
  }

  // act runs what the user chose and keeps the sheet up (buttons off)
  // until the app is done with the checkout.
  async function act(text, fn) {
    const c = current;
    if (!c || busy) return;
    setBusy(true, text);
    try {
      await fn(c);
    } finally {
      if (current === c) close();
    }
  }

  pay.addEventListener('click', () => act('결제 완료 · 상품 지급 확인 중… / Paid · waiting for the grant…', (c) => c.pay()));
  cancel.addEventListener('click', () => act('', (c) => c.cancel()));
  failBtn.addEventListener('click', () => act('', (c) => c.fail(select.value)));
  backdrop.addEventListener('click', (e) => { if (e.target === backdrop) cancel.click(); });
  doc.addEventListener('keydown', (e) => { if (e.key === 'Escape' && current && !busy) cancel.click(); });

  return {
    element: backdrop,
    /** Opens the sheet for checkout (or queues it behind the open one). */
    show(checkout) {
      if (checkout.open === false || checkout.settled) return; // the page gave up first
      if (current) queue.push(checkout);
      else open(checkout);
    },
    /** The checkout on screen, or null. */
    get current() { return current; },
    /** Removes the sheet from the page. */
    destroy() { backdrop.remove(); },
  };
}

/** Makes app.onCheckout open a sheet; returns the sheet. */
export function attachCheckoutSheet(app, opts = {}) {
  const sheet = createCheckoutSheet(opts);
  app.onCheckout = (checkout) => sheet.show(checkout);
  return sheet;
}
