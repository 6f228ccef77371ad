// `npm run build`: dist/cli.js bundled by esbuild, with the subcommands and the cockpit as lazy
// chunks (splitting keeps their dynamic imports lazy), React's production build compiled in, and
// the files loaded by path at run time (the analysis worker) as entries of their own.
// `node scripts/build.mjs --metafile` also writes meta.json beside, for measuring what a chunk holds;
// --external keeps the dependencies out of the bundle (to compare).
import { build } from 'esbuild';
import { chmodSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
// --outdir=DIR: another place (a build to compare with), else dist/.
const outdir =
  process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) ?? join(root, 'dist');
const external = process.argv.includes('--external');

/**
 * client-node's config.js (KubeConfig, on the start-up path) imports two names from the generated
 * API's barrel, which reaches every API class (~15 MB) and undici: they are used only by
 * makeApiClient, which is given an API class, and every API class comes with the generated API's
 * configuration.js and servers.js. So config.js gets stand-ins that take the real ones from where
 * those two modules put them when they were evaluated, and the API goes only into the lazy chunks
 * that use it (src/cluster/client-core.ts).
 */
const GEN_KEY = "Symbol.for('aiops-tui.client-node-gen')";
const narrowClientNodeBarrel = {
  name: 'narrow-client-node-barrel',
  setup(b) {
    b.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (args) =>
      /[/\\]@kubernetes[/\\]client-node[/\\]dist[/\\]config\.js$/.test(args.importer)
        ? { path: 'gen-for-config', namespace: 'client-node-gen-deferred' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'client-node-gen-deferred' }, () => ({
      contents: [
        `const gen = () => globalThis[${GEN_KEY}] ?? (() => { throw new Error('the generated API is not loaded'); })();`,
        'export function createConfiguration(conf) { return gen().createConfiguration(conf); }',
        'export class ServerConfiguration { constructor(url, variables) { return new (gen().ServerConfiguration)(url, variables); } }',
      ].join('\n'),
      loader: 'js',
    }));
    b.onLoad({ filter: /[/\\]client-node[/\\]dist[/\\]gen[/\\](configuration|servers)\.js$/ }, (args) => {
      const name = args.path.endsWith('configuration.js') ? 'createConfiguration' : 'ServerConfiguration';
      return {
        contents: `${readFileSync(args.path, 'utf8')}\n(globalThis[${GEN_KEY}] ??= {}).${name} = ${name};\n`,
        resolveDir: dirname(args.path),
        loader: 'js',
      };
    });
  },
};

/**
 * client-node's config.js (KubeConfig, on the start-up path) imports undici (~1.4 MB of modules) only
 * to build the dispatchers of its fetch-based clients (the generated API, Log, Metrics), never for
 * applyToHTTPSOptions, which is all the start-up path calls (the lists and watches use node:http,
 * src/cluster/http.ts and watch-stream.ts). It gets constructors that take undici from where undici
 * put itself when it was evaluated: every fetch-based client imports undici on its own, so undici is
 * loaded before any of them asks config.js for a dispatcher.
 */
const UNDICI_KEY = "Symbol.for('aiops-tui.undici')";
const undiciOffStartUp = {
  name: 'undici-off-start-up',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) =>
      /[/\\]@kubernetes[/\\]client-node[/\\]dist[/\\]config\.js$/.test(args.importer)
        ? { path: 'undici-for-config', namespace: 'undici-deferred' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'undici-deferred' }, () => ({
      contents: [
        `const undici = () => globalThis[${UNDICI_KEY}] ?? (() => { throw new Error('undici is not loaded'); })();`,
        'export class Agent { constructor(options) { return new (undici().Agent)(options); } }',
        'export class ProxyAgent { constructor(options) { return new (undici().ProxyAgent)(options); } }',
      ].join('\n'),
      loader: 'js',
    }));
    b.onLoad({ filter: /[/\\]node_modules[/\\]undici[/\\]index\.js$/ }, (args) => ({
      contents: `${readFileSync(args.path, 'utf8')}\nglobalThis[${UNDICI_KEY}] = module.exports;\n`,
      resolveDir: dirname(args.path),
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
  plugins: [narrowClientNodeBarrel, undiciOffStartUp, withoutInkDevtools],
});
// What an earlier build left (chunks are named by their content) goes after the new files are
// written, never before: a test or a cockpit running dist/cli.js meanwhile finds it whole.
const written = new Set(Object.keys(result.metafile.outputs).map((file) => join(root, file)));
for (const file of readdirSync(outdir, { recursive: true, encoding: 'utf8' })) {
  const path = join(outdir, file);
  if (!written.has(path) && /\.(js|map|json)$/.test(file)) rmSync(path, { force: true });
}
/**
 * The bin's first two lines: sh execs node with the heap flags V8 takes only at start (a 2 MB
 * young generation and two malloc arenas: the cockpit's RSS 60-110 MB lower, README). `env -S`
 * in the shebang would do it, but BusyBox's env (Alpine) has no -S and pnpm's shims misread it.
 * To JavaScript the second line is a string and a comment; `node dist/cli.js` runs it as before.
 */
const BIN_HEADER = '#!/bin/sh\n":" //; exec env MALLOC_ARENA_MAX=2 node --max-semi-space-size=2 "$0" "$@"\n';
const bin = join(outdir, 'cli.js');
writeFileSync(bin, readFileSync(bin, 'utf8').replace(/^#![^\n]*\n/, BIN_HEADER));
chmodSync(bin, 0o755);
if (process.argv.includes('--metafile'))
  writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
