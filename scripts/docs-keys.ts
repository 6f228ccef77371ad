// npm run docs:keys — rewrites README.md's key section (between the keys markers) from the one key
// table, src/ui/keymap.ts; test/ui/readme-keys.test.ts fails while the README differs from it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderKeyTable } from '../src/ui/keymap.js';

export const KEYS_START = '<!-- keys:start -->';
export const KEYS_END = '<!-- keys:end -->';
export const README = join(import.meta.dirname, '..', 'README.md');

/** `readme` with its key section replaced by `table`; throws one line when the markers are not there once each, in order. */
export function withKeySection(readme: string, table = renderKeyTable()): string {
  const start = readme.indexOf(KEYS_START);
  const end = readme.indexOf(KEYS_END);
  const once = (marker: string) => readme.indexOf(marker) === readme.lastIndexOf(marker);
  if (start < 0 || end < start || !once(KEYS_START) || !once(KEYS_END))
    throw new Error(`README.md needs one ${KEYS_START} followed by one ${KEYS_END}`);
  return `${readme.slice(0, start + KEYS_START.length)}\n${table}${readme.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const readme = readFileSync(README, 'utf8');
    const next = withKeySection(readme);
    if (next !== readme) writeFileSync(README, next);
    console.log(next === readme ? 'README.md: key section up to date' : 'README.md: key section rewritten');
  } catch (error) {
    console.error(`docs:keys: ${(error as Error).message}`);
    process.exit(1);
  }
}
