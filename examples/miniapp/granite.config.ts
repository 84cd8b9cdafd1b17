import { defineConfig } from '@apps-in-toss/web-framework/config';

// The Apps in Toss app: `npm run dev` (granite dev) runs Vite inside the
// Toss sandbox app, `npm run build` (ait build) bundles dist/ for upload.
export default defineConfig({
  appName: 'goiap-miniapp',
  brand: {
    displayName: 'goiap 상점',
    primaryColor: '#3182F6',
    icon: '',
  },
  web: {
    host: 'localhost',
    port: 5173,
    commands: {
      dev: 'vite',
      build: 'vite build',
    },
  },
  permissions: [],
  outdir: 'dist',
});
