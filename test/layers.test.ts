// The folders of src/ import one another in layers, never in a circle (docs/architecture.md):
// each folder may import only the folders below it. Read from the sources' import lines, type
// imports included, so a change that closes a circle fails here before it confuses a reader.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..', 'src');

/** Each folder and what it may import; entry files at the top of src/ may import anything. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  kube: [],
  model: [],
  audit: ['model'],
  cli: ['kube'],
  sim: ['kube', 'cli'],
  state: ['kube', 'model', 'audit'],
  cluster: ['kube', 'model', 'audit', 'cli', 'state'],
  workflow: ['kube', 'model', 'audit', 'cli', 'state', 'cluster'],
  analysis: ['kube', 'model', 'audit', 'cli', 'state', 'cluster', 'workflow'],
  assistants: ['kube', 'model', 'audit', 'cli', 'state', 'cluster', 'workflow', 'analysis'],
  ui: ['kube', 'model', 'audit', 'state', 'workflow', 'analysis'],
  app: [
    'kube',
    'model',
    'audit',
    'cli',
    'state',
    'cluster',
    'workflow',
    'analysis',
    'assistants',
    'ui',
    'sim',
  ],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const folderOf = (file: string): string => {
  const parts = relative(SRC, file).split(sep);
  return parts.length > 1 ? parts[0]! : '(entry)';
};

/** Every `from '…'` and `import('…')` of a relative module, as [importing folder, imported folder, file]. */
function crossings(): [string, string, string][] {
  return sources(SRC).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/(?:from\s*|import\(\s*)'(\.\.?\/[^']+)'/g)].flatMap(
      ([, spec]): [string, string, string][] => {
        const from = folderOf(file);
        const to = folderOf(resolve(dirname(file), spec!));
        return from === to ? [] : [[from, to, relative(SRC, file)]];
      },
    ),
  );
}

describe('the layers of src/', () => {
  it('has every folder in the table', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.sort()).toEqual(Object.keys(MAY_IMPORT).sort());
  });

  it('imports only downwards: no folder imports one that may import it back', () => {
    const wrong = crossings()
      .filter(([from, to]) => from !== '(entry)' && !MAY_IMPORT[from]?.includes(to))
      .map(([from, to, file]) => `${file} (${from}) imports ${to}`);
    expect(wrong).toEqual([]);
  });

  it('the table itself has no circle', () => {
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      (MAY_IMPORT[from] ?? []).some(
        (next) => next === to || (!seen.has(next) && (seen.add(next), reaches(next, to, seen))),
      );
    expect(Object.keys(MAY_IMPORT).filter((folder) => reaches(folder, folder))).toEqual([]);
  });
});
