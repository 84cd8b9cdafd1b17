// miniapp-ci.mjs — make example's copy of examples/miniapp, made to build
// without installing @apps-in-toss/web-framework (minutes and a gigabyte;
// see examples/miniapp/README.md). The copy's package.json and lockfile are
// examples/miniapp/ci/'s: @apps-in-toss/web-bridge and bridge-core at the
// framework's version, which the framework's page entry re-exports, and
// the same typescript and vite; this checks they still match
// examples/miniapp/package.json. Vite aliases the import
// (GOIAP_SDK=web-bridge) and tsc maps its types the same way, through the
// tsconfig.ci.json written here.
//
//   node examples/miniapp-ci.mjs <copy of examples/miniapp>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir] = process.argv.slice(2);
const read = (f) => JSON.parse(readFileSync(join(import.meta.dirname, 'miniapp', f), 'utf8'));
const app = read('package.json');
const ci = read('ci/package.json');
const want = {
  '@apps-in-toss/web-bridge': app.dependencies['@apps-in-toss/web-framework'],
  '@apps-in-toss/bridge-core': app.dependencies['@apps-in-toss/web-framework'],
  typescript: app.devDependencies.typescript,
  vite: app.devDependencies.vite,
};
for (const [name, version] of Object.entries(want)) {
  const got = ci.dependencies?.[name] ?? ci.devDependencies?.[name];
  if (got !== version) {
    console.error(`examples/miniapp/ci/package.json: ${name} is ${got}, examples/miniapp/package.json wants ${version}`);
    process.exit(1);
  }
}

writeFileSync(join(dir, 'tsconfig.ci.json'), `${JSON.stringify({
  extends: './tsconfig.json',
  compilerOptions: {
    paths: { '@apps-in-toss/web-framework': ['./node_modules/@apps-in-toss/web-bridge/dist/index.d.ts'] },
  },
}, null, 2)}\n`);
