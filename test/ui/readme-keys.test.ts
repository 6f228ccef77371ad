// The README's key section is what the one key table renders: a binding added, changed or removed
// in src/ui/keymap.ts fails here until `npm run docs:keys` rewrites the section.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KEYS_END, KEYS_START, README, withKeySection } from '../../scripts/docs-keys.js';
import { KEYMAP, renderKeyTable } from '../../src/ui/keymap.js';

const readme = readFileSync(README, 'utf8');

describe("the README's key section", () => {
  it('is the table KEYMAP renders (else: npm run docs:keys)', () => {
    expect(withKeySection(readme), 'README.md key section is stale: run npm run docs:keys').toBe(readme);
  });

  it('shows every binding with its keys and help, dangerous ones marked', () => {
    const section = readme.slice(readme.indexOf(KEYS_START), readme.indexOf(KEYS_END));
    expect(section).toContain('| `o` | pods: cycle the order (name, status, restarts, cpu, mem) |');
    expect(section).toContain('| `s` | propose scaling (deploy, rs, sts): asks for replicas ⚠ |');
    for (const b of KEYMAP) expect(section).toContain(b.help.replaceAll('|', '\\|'));
  });

  it('is found stale when a row is hand-edited or a binding changes', () => {
    const edited = readme.replace('| `o` | pods: cycle', '| `s` | pods: cycle');
    expect(edited).not.toBe(readme);
    expect(withKeySection(edited)).not.toBe(edited);
    const moved = KEYMAP.map((b) => (b.command === 'sort' ? { ...b, keys: ['S'] } : b));
    expect(withKeySection(readme, renderKeyTable(moved))).not.toBe(readme);
  });

  it('needs its markers once each, in order', () => {
    expect(() => withKeySection(readme.replace(KEYS_END, ''))).toThrow(/needs one/);
    expect(() => withKeySection(`${readme}\n${KEYS_START}\n`)).toThrow(/needs one/);
    expect(() => withKeySection(`${KEYS_END}\n${readme.replace(KEYS_END, '')}`)).toThrow(/needs one/);
  });
});
