/** `npm run docs:config`: regenerates docs/configuration.md from the config schema. */
import { writeFileSync } from 'node:fs';
import { renderConfigReference } from '../src/config/describe-schema.js';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), renderConfigReference());
console.log('wrote docs/configuration.md');
