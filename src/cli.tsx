#!/usr/bin/env node
// Entry point: picks the subcommand and hands it the rest of argv. Each subcommand module parses
// its own flags and returns an exit code; errors end in one line on stderr.
// A namespace import: Node 20 has no enableCompileCache, and a named import would fail to link
// before the version check below could say so.
import * as nodeModule from 'node:module';
import { CliError, describeError } from './cli-errors.js';

// Cached bytecode of client-node and Ink cuts about a third off every start after the first.
nodeModule.enableCompileCache?.();

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  sim: async () => (await import('./sim/cli.js')).main,
  analyze: async () => (await import('./analysis/cli.js')).analyzeMain,
  ask: async () => (await import('./assistants/ask-cli.js')).askMain,
  report: async () => (await import('./analysis/report-cli.js')).reportMain,
  phr: async () => (await import('./audit/cli.js')).phrMain,
  runbook: async () => (await import('./audit/cli.js')).runbookMain,
  ...Object.fromEntries(
    ['queue', 'propose', 'approve', 'reject', 'rollback', 'sign'].map((verb) => [
      verb,
      async () => {
        const { workflowMain } = await import('./workflow/cli.js');
        return (argv: string[]) => workflowMain(verb, argv);
      },
    ]),
  ),
};

const USAGE = `aiops-tui — a terminal cockpit for AI-assisted Kubernetes operations

Usage:
  aiops-tui [--kubeconfig FILE] [--context NAME] [-n NS | -A] [--metrics-interval 15s] [--demo [--speed X]] [--no-color]
  aiops-tui analyze [-n NS | -A] [--kubeconfig F] [--context C] [--json]
  aiops-tui ask QUESTION [-n NS | -A] [--json] [--propose [identity flags as for queue]] [--no-ai]
  aiops-tui report health|utilization|security [-n NS | -A] [--history-dir DIR] [--json]
  aiops-tui phr list|show ID|verify [--history-dir DIR] [--json] [--kubeconfig F] [--context C] [--no-cluster]
  aiops-tui runbook generate PATTERN [--history-dir DIR] [--runbooks-dir DIR]
  aiops-tui queue | propose 'kubectl …' | approve ID | reject ID REASON | rollback ID | sign FILE
            [--history-dir DIR] [--policy FILE] [--signing-key FILE] [--allowed-signers FILE]
            [--approver PRINCIPAL] [--kubeconfig F] [--context C]
  aiops-tui sim [--port N] [--scenario todo|empty|large:N] [--speed X] [--kubeconfig-out FILE]
  aiops-tui --help | --version`;

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
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (first === '--version' || first === '-v') {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    process.stdout.write(`aiops-tui ${pkg.version}\n`);
    return 0;
  }
  // No subcommand (or only flags): the cockpit. Once it has restored the terminal it exits at
  // once; idle keep-alive sockets and timers must not hold a quit user at a dead screen.
  if (first === undefined || first.startsWith('-'))
    process.exit(await (await import('./ui/launch.js')).cockpitMain(argv));
  const load = commands[first];
  if (!load) throw new CliError(`unknown command "${first}" (see aiops-tui --help)`);
  return (await load())(rest);
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`aiops-tui: ${describeError(error)}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  },
);
