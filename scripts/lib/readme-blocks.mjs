// node scripts/lib/readme-blocks.mjs README.md <dir>: writes every fenced code block preceded by
// `<!-- readme-check: <path> -->` to <dir>/<path>. Fails when a marker has no block after it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const [readme, dir] = process.argv.slice(2);
const lines = readFileSync(readme, 'utf8').split('\n');
let written = 0;
for (let i = 0; i < lines.length; i += 1) {
  const marker = /^<!-- readme-check: (\S+) -->$/.exec(lines[i]);
  if (!marker) continue;
  const path = normalize(marker[1]);
  if (path.startsWith('..')) throw new Error(`readme-check: ${path} leaves the project`);
  if (!lines[i + 1]?.startsWith('```')) throw new Error(`readme-check: no code block after the marker for ${path} (line ${i + 1})`);
  const end = lines.indexOf('```', i + 2);
  if (end === -1) throw new Error(`readme-check: the block for ${path} is not closed`);
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), `${lines.slice(i + 2, end).join('\n')}\n`);
  written += 1;
  i = end;
}
if (written === 0) throw new Error('readme-check: no marked code block in the README');
console.log(`readme-check: ${written} blocks written`);
