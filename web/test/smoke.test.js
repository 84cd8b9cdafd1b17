import { test } from 'node:test';
import assert from 'node:assert/strict';
import { app, newClient, startGrantServer } from './harness.js';

test('smoke: one purchase', async () => {
  const server = await startGrantServer();
  const iap = await newClient({ grantURL: server.url });
  const r = await iap.buy('item_coin_100');
  assert.match(r.orderId, /^ord-/);
  assert.deepEqual(server.grantedOrderIds(), [r.orderId]);
  assert.deepEqual(iap.stats().inFlight, 0);
  assert.equal(app.listenerCount(), 0);
  await iap.close();
  await server.close();
});
