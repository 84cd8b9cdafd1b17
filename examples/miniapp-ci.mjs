// miniapp-ci.mjs — make example's copy of examples/miniapp, made to build
// without installing @apps-in-toss/web-framework (minutes and a gigabyte;
// see examples/miniapp/README.md): its dependency becomes
// @apps-in-toss/web-bridge and bridge-core at the same version, which the
// framework's page entry re-exports, Vite aliases the import
// (GOIAP_SDK=web-bridge) and tsc maps its types the same way. goiap comes
// from the tarball make package built.
//
//   node examples/miniapp-ci.mjs <copy of examples/miniapp> <goiap tarball>
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [dir, tarball] = process.argv.slice(2);
const file = join(dir, 'package.json');
const pkg = JSON.parse(readFileSync(file, 'utf8'));
const version = pkg.dependencies['@apps-in-toss/web-framework'];
delete pkg.dependencies['@apps-in-toss/web-framework'];
pkg.dependencies['@apps-in-toss/web-bridge'] = version;
pkg.dependencies['@apps-in-toss/bridge-core'] = version;
pkg.dependencies.goiap = `file:${resolve(tarball)}`;
writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);

writeFileSync(join(dir, 'tsconfig.ci.json'), `${JSON.stringify({
  extends: './tsconfig.json',
  compilerOptions: {
    paths: { '@apps-in-toss/web-framework': ['./node_modules/@apps-in-toss/web-bridge/dist/index.d.ts'] },
  },
}, null, 2)}\n`);
