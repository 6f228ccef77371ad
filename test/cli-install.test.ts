// What `npm install -g` of the packed package gets: the built CLI and what it reads at run time,
// never the tests, CI scripts, history or benchmarks. The install itself (pack, install into a
// scratch prefix, `aiops-tui --version` and `analyze` against an installed `aiops-tui sim`, from
// outside the repository) is scripts/check-install.sh, which .ci/run runs after the main suite:
// packing rebuilds dist/, which the end-to-end tests execute while the suite runs, and the
// whole round takes half a minute on a loaded machine.
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

describe('the packed package', () => {
  it('carries dist/, the runbooks, README and LICENSE, and none of the tests, CI, history or benchmarks', async () => {
    // --ignore-scripts: list what `files` selects from the dist/ already built, without rebuilding it.
    const { stdout } = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      env: { npm_config_loglevel: 'error' },
    });
    const [pack] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    const files = pack.files.map((f) => f.path);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(files).toEqual(
      expect.arrayContaining([
        pkg.bin['aiops-tui']!,
        // Loaded by path at run time, beside the bundle's chunks (scripts/build.mjs).
        'dist/analysis-worker.js',
        'runbooks/crashloopbackoff.md',
        'README.md',
        'LICENSE',
        'package.json',
      ]),
    );
    const stray = files.filter(
      (f) => /^(src|test|\.ci|history|bench|scripts|docs)\//.test(f) || f.endsWith('.map'),
    );
    expect(stray).toEqual([]);
  });

  it('imports at run time only what its dependencies provide, and has no install script', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    // npm runs these when a tarball is installed; `prepare` (build, bundled tools) runs only in a clone.
    for (const script of ['preinstall', 'install', 'postinstall'])
      expect(pkg.scripts[script]).toBeUndefined();
    const imported = new Set<string>();
    const dist = join(root, 'dist');
    for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.js')) continue;
      const text = readFileSync(join(dist, file), 'utf8');
      // The bundle's own import statements (esbuild writes them one a line, double-quoted).
      const specs = [
        ...text.matchAll(/^import\s[^;]*?from\s*"([^"]+)";?$/gm),
        ...text.matchAll(/^import\s*"([^"]+)";?$/gm),
        ...text.matchAll(/\bimport\("([^"]+)"\)/g),
      ].map((m) => m[1]!);
      for (const spec of specs) {
        if (spec.startsWith('.') || isBuiltin(spec)) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    // Bundled, the CLI imports no package at run time: each one would have to be a dependency.
    expect([...imported].filter((name) => !(name in pkg.dependencies))).toEqual([]);
  });
});
