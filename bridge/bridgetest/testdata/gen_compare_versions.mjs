// Regenerates compare_versions.json from the SDK's own compareVersions:
//
//   node gen_compare_versions.mjs path/to/@apps-in-toss/web-bridge/dist/index.js > compare_versions.json
//
// The function is not exported, so its source is cut out of the bundle.
import { readFileSync } from 'node:fs';

const src = readFileSync(process.argv[2], 'utf8');
const start = src.indexOf('// src/utils/compareVersion.ts');
const end = src.indexOf('// src/isMinVersionSupported.ts');
if (start < 0 || end < 0) throw new Error('compareVersions not found in the bundle');
const compareVersions = new Function(src.slice(start, end) + '\nreturn compareVersions;')();

const versions = [
  '5.219.0', '5.218.9', '5.219', '5', '5.219.0.0', '5.219.0.1', '5.230.0', '5.231.1', '5.231.0',
  '5.240.0', '5.9.0', '5.10.0', '05.219.0', 'v5.219.0', '=5.219.0', '^5.219.0', '~5.219.0', '>=5.219.0',
  '5.219.0-beta', '5.219.0-beta.1', '5.219.0-beta.2', '5.219.0-BETA', '5.219.0-1', '5.219.0-10', '5.219.0-2',
  '5.219.0-alpha', '5.219.0-rc.1', '5.219.0-007', '5.219.0--1', '5.219.0-1abc', '5.219.0-a\\b',
  '5.219.0+build.1', '5.219.0-beta+build', '5.x', '5.219.x', '5.*', 'x', '*', '5.X.0',
  '99999999999999999999.0.0', '100000000000000000000000.0.0', '5.219.0-99999999999999999999999',
  '', ' 5.219.0', '5.219.0 ', '5.219.0\n', 'abc', '5..0', '5.219.0.0.0', '5.219.0-', '5.219.0-ſ', 'V5.219.0',
  '1.0.0-x.1', '1.0.0-x.2', '1.0.0-1.x', '0.0.0',
];
// want[i][j] is compareVersions(versions[i], versions[j]) as '<', '=', '>',
// or '!' where it throws.
const sign = { '-1': '<', '0': '=', '1': '>' };
const want = versions.map((a) => versions.map((b) => {
  try { return sign[compareVersions(a, b)]; } catch { return '!'; }
}).join(''));
process.stdout.write(JSON.stringify({ versions, want }, null, 1) + '\n');
