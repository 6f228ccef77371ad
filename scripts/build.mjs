// `npm run build`: dist/cli.js bundled by esbuild, with the subcommands and the cockpit as lazy
// chunks (splitting keeps their dynamic imports lazy), React's production build compiled in, and
// the files loaded by path at run time (the analysis worker) as entries of their own.
// `node scripts/build.mjs --metafile` also writes meta.json beside, for measuring what a chunk holds;
// --external keeps the dependencies out of the bundle (to compare).
import { build } from 'esbuild';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// --outdir=DIR: another place (a build to compare with), else dist/.
const outdir =
  process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) ?? join(root, 'dist');
const external = process.argv.includes('--external');

/**
 * client-node's config.js (KubeConfig, on the start-up path) imports two names from the generated
 * API's barrel, which reaches every API class (~15 MB): it gets them from their own files, so the
 * API goes only into the lazy chunks that use it (src/cluster/client-core.ts).
 */
const narrowClientNodeBarrel = {
  name: 'narrow-client-node-barrel',
  setup(b) {
    b.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (args) =>
      /[/\\]@kubernetes[/\\]client-node[/\\]dist[/\\]config\.js$/.test(args.importer)
        ? { path: join(args.resolveDir, 'gen', 'index.js'), namespace: 'client-node-gen-core' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'client-node-gen-core' }, (args) => ({
      contents: [
        "export { createConfiguration } from './configuration.js';",
        "export { ServerConfiguration } from './servers.js';",
      ].join('\n'),
      resolveDir: join(args.path, '..'),
      loader: 'js',
    }));
  },
};

/** Ink's React DevTools hook (DEV=true, react-devtools-core installed): never wanted in the bundle. */
const withoutInkDevtools = {
  name: 'without-ink-devtools',
  setup(b) {
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) =>
      /[/\\]ink[/\\]build[/\\]reconciler\.js$/.test(args.importer)
        ? { path: 'ink-devtools', namespace: 'stub' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: '', loader: 'js' }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: {
    cli: 'src/cli.tsx',
    // Loaded with new URL('./analysis-worker.js', import.meta.url) from the findings service.
    'analysis-worker': 'src/analysis/analysis-worker.ts',
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // Chunks beside the entries: import.meta.url-relative paths (the worker) hold in every chunk.
  chunkNames: '[name]-[hash]',
  // Dependencies bundled (measured faster to start than resolved from node_modules: README).
  packages: external ? 'external' : 'bundle',
  // Ink imports react-devtools-core only when DEV=true and it is installed (stubbed above).
  external: ['react-devtools-core'],
  define: { 'process.env.NODE_ENV': '"production"' },
  // CommonJS dependencies bundled into ESM call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __aiopsCreateRequire } from 'node:module'; const require = __aiopsCreateRequire(import.meta.url);",
  },
  jsx: 'automatic',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  plugins: [narrowClientNodeBarrel, withoutInkDevtools],
});
// What an earlier build left (chunks are named by their content) goes after the new files are
// written, never before: a test or a cockpit running dist/cli.js meanwhile finds it whole.
const written = new Set(Object.keys(result.metafile.outputs).map((file) => join(root, file)));
for (const file of readdirSync(outdir, { recursive: true, encoding: 'utf8' })) {
  const path = join(outdir, file);
  if (!written.has(path) && /\.(js|map|json)$/.test(file)) rmSync(path, { force: true });
}
if (process.argv.includes('--metafile'))
  writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
