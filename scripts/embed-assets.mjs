// Embeds assets/*.xml as TypeScript string modules, so the library loads them without a
// file system (it must also run in a browser). `npm run embed-assets` after editing an asset.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const assets = [['assets/reacher.xml', 'src/envs/reacher/model-xml.ts', 'REACHER_XML']];
for (const [from, to, name] of assets) {
  const text = readFileSync(root + from, 'utf8');
  const body = `// Generated from ${from} by scripts/embed-assets.mjs; edit the XML, not this file.\nexport const ${name} = ${JSON.stringify(text)};\n`;
  writeFileSync(root + to + '.tmp', body);
  renameSync(root + to + '.tmp', root + to);
  console.log(`embedded ${from} -> ${to}`);
}
