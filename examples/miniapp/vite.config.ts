import { defineConfig } from 'vite';

// GOIAP_SDK=web-bridge builds against @apps-in-toss/web-bridge instead of
// @apps-in-toss/web-framework: the framework's page entry is
// `export * from '@apps-in-toss/web-bridge'` (plus analytics), so the IAP
// calls are the same code. The repository's CI builds this way because
// installing the framework takes minutes and a gigabyte (see README.md).
const alias = process.env.GOIAP_SDK === 'web-bridge'
  ? { '@apps-in-toss/web-framework': '@apps-in-toss/web-bridge' }
  : {};

export default defineConfig({
  resolve: { alias },
  // Pre-bundling would move goiap.js away from its main.wasm in `vite dev`.
  optimizeDeps: { exclude: ['goiap'] },
  build: { target: 'es2022', outDir: 'dist' },
});
