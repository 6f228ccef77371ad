// The subcommands: how each is loaded and its line in the top-level help, which is built from
// this table and the cockpit's flag table. Only light modules are imported here: a command's
// own module loads when it runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../cli/package-root.js';

export type Main = (argv: string[]) => Promise<number>;

/** A subcommand: how to load it, and its one line in the top-level help. */
interface Command {
  summary: string;
  load(): Promise<Main>;
}

const workflowVerb = (verb: string, summary: string): [string, Command] => [
  verb,
  {
    summary,
    load: async () => {
      const { workflowMain } = await import('./queue-cli.js');
      return (argv: string[]) => workflowMain(verb, argv);
    },
  },
];

export const commands: Record<string, Command> = {
  analyze: {
    summary: 'findings of the built-in analyzers, for scripts and CI (exit 1 when one is critical)',
    load: async () => (await import('./analyze-cli.js')).analyzeMain,
  },
  ask: {
    summary: "the chat's answer to QUESTION without the screen; --propose queues its changes",
    load: async () => (await import('./ask-cli.js')).askMain,
  },
  report: {
    summary:
      'a health, utilization or security report now; `report metrics`: MTTD, MTTR and more from the PHRs',
    load: async () => (await import('./report-cli.js')).reportMain,
  },
  phr: {
    summary: 'the audit trail: list, show ID, verify',
    load: async () => (await import('./phr-cli.js')).phrMain,
  },
  runbook: {
    summary: "a runbook's generated section from resolved PHRs",
    load: async () => (await import('./phr-cli.js')).runbookMain,
  },
  ...Object.fromEntries([
    workflowVerb('queue', 'the approval queue'),
    workflowVerb('propose', "puts a 'kubectl …' change in the queue"),
    workflowVerb('approve', 'approves a recommendation (executes and validates it when the rule is met)'),
    workflowVerb('reject', 'rejects a recommendation, with a reason'),
    workflowVerb('rollback', 'rolls an executed change back from its snapshot'),
    workflowVerb('sign', 'co-signs a policy or allowed-signers change (into FILE.sig)'),
  ]),
  sim: {
    summary: 'the embedded Kubernetes API simulator, for kubectl, helm and the cockpit',
    load: async () => (await import('../sim/cli.js')).main,
  },
};

export async function topLevelHelp(): Promise<string> {
  const { COCKPIT } = await import('./cockpit-flags.js');
  const { helpText } = await import('../cli/usage.js');
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const cockpit = helpText(COCKPIT).split('\n');
  return [
    cockpit[0],
    '',
    'Usage:',
    '  aiops-tui [flags]              the cockpit (full screen; flags below)',
    '  aiops-tui COMMAND [flags]      (aiops-tui COMMAND --help lists its flags)',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Cockpit flags:',
    ...cockpit.slice(cockpit.indexOf('Flags:') + 1, -1),
    '',
    'Exit codes: 0 done; 1 a critical finding, a refusal or a failed operation; 2 bad usage, a bad',
    'kubeconfig or policy, or an unreachable cluster. Every error is one line on stderr.',
    '',
  ].join('\n');
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return `aiops-tui ${pkg.version}\n`;
}
