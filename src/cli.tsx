#!/usr/bin/env node
// Entry point: picks the subcommand and hands it the rest of argv. Each subcommand module parses
// its own flags and returns an exit code; errors end in one line on stderr. The built bin starts
// node with a 2 MB young generation and two malloc arenas (scripts/build.mjs): V8 takes heap
// flags only at start, so they cannot be set from here.
// A namespace import: Node 20 has no enableCompileCache, and a named import would fail to link
// before the version check below could say so.
import * as nodeModule from 'node:module';
import { CliError, describeError } from './cli/errors.js';
import { commands, topLevelHelp, version } from './app/commands.js';

// Cached bytecode of client-node and Ink cuts about a third off every start after the first.
nodeModule.enableCompileCache?.();

/** ink 8, execa 10 and client-node 2 need Node 22: say so rather than fail deep inside one. */
const MIN_NODE_MAJOR = 22;

async function run(argv: string[]): Promise<number> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < MIN_NODE_MAJOR) {
    throw new CliError(
      `needs Node.js ${MIN_NODE_MAJOR} or newer, this is ${process.version} (bash scripts/run.sh demo brings one)`,
    );
  }
  const [first, ...rest] = argv;
  if (first === 'help') {
    // `aiops-tui help analyze` is `aiops-tui analyze --help`.
    const asked = rest[0] === undefined ? undefined : commands[rest[0]];
    if (asked) return (await asked.load())(['--help']);
    process.stdout.write(await topLevelHelp());
    return 0;
  }
  // No subcommand (or only flags): the cockpit. --help and --version go anywhere among its flags.
  if (first === undefined || first.startsWith('-')) {
    const { parseCommandLine } = await import('./cli/usage.js');
    const { COCKPIT } = await import('./app/cockpit-flags.js');
    const { values, help } = parseCommandLine(COCKPIT, argv);
    if (help) {
      process.stdout.write(await topLevelHelp());
      return 0;
    }
    if (values.version) {
      process.stdout.write(version());
      return 0;
    }
    // Once it has restored the terminal it exits at once; idle keep-alive sockets and timers
    // must not hold a quit user at a dead screen.
    process.exit(await (await import('./app/launch.js')).cockpitMain(argv));
  }
  const found = commands[first];
  if (!found) throw new CliError(`unknown command "${first}" (see aiops-tui --help)`);
  return (await found.load())(rest);
}

// A reader that stops early (`aiops-tui analyze -o json | head`) closes the pipe: end quietly, as
// kubectl does on SIGPIPE (128 + 13), instead of a stack trace of the failed write.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(141);
});

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`aiops-tui: ${describeError(error)}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  },
);
