#!/usr/bin/env node
// Entry point: picks the subcommand and hands it the rest of argv. Each subcommand module parses
// its own flags and returns an exit code; errors end in one line on stderr.
import { CliError, describeError } from './cli-errors.js';

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  sim: async () => (await import('./sim/cli.js')).main,
};

const USAGE = `aiops-tui — a terminal cockpit for AI-assisted Kubernetes operations

Usage:
  aiops-tui sim [--port N] [--scenario todo|empty|large:N] [--speed X] [--kubeconfig-out FILE]
  aiops-tui --help | --version`;

async function run(argv: string[]): Promise<number> {
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
  const load = first !== undefined ? commands[first] : undefined;
  if (!load) throw new CliError(`unknown command "${first ?? ''}" (see aiops-tui --help)`);
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
