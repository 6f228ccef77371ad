// How every command reads its flags and explains itself: one parseArgs option table per command,
// each flag with its one-line description beside it, and from that table alone the one-line
// usage an error quotes, the `--help` page, and the output format (`--json`, `-o json|yaml`).
import { parseArgs } from 'node:util';
import { stringify as toYaml } from 'yaml';
import { CliError, describeError } from './errors.js';
import { parseDuration } from '../kube/duration.js';

export interface FlagOption {
  type: 'string' | 'boolean';
  short?: string;
  default?: string | boolean;
}
export type Options = Record<string, FlagOption>;

/**
 * One line per flag. A string flag's help names its value first (`['FILE', 'the kubeconfig to
 * read']`); a flag without a description does not compile, so help cannot lag behind the table.
 */
export type FlagHelp<O extends Options> = {
  readonly [K in keyof O]: O[K]['type'] extends 'string' ? readonly [value: string, text: string] : string;
};

export interface CommandSpec<O extends Options> {
  /** The words after `aiops-tui` before the flags, one entry per form: `phr list`, `phr show ID`. */
  forms: readonly string[];
  /** What the command does, one line. */
  summary: string;
  options: O;
  help: FlagHelp<O>;
  allowPositionals?: boolean;
}

/** Defined by the caller's table and its help in one place: TypeScript checks both together. */
export function command<O extends Options>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

const HELP = { type: 'boolean', short: 'h' } as const;

function flagName(name: string, option: FlagOption): string {
  return option.short ? `-${option.short}, --${name}` : `    --${name}`;
}

function flagSynopsis(name: string, option: FlagOption, value: string | undefined): string {
  const flag = option.short ? `-${option.short}|--${name}` : `--${name}`;
  return `[${flag}${option.type === 'string' ? ` ${value}` : ''}]`;
}

function describeFlag<O extends Options>(spec: CommandSpec<O>, name: keyof O & string) {
  const option = spec.options[name]!;
  const help = spec.help[name] as string | readonly [string, string];
  const [value, text] = typeof help === 'string' ? [undefined, help] : help;
  return { option, value, text };
}

/** The one-line usage an error quotes: each form with the flags it takes. */
export function usageLine<O extends Options>(spec: CommandSpec<O>): string {
  const flags = Object.keys(spec.options).map((name) => {
    const { option, value } = describeFlag(spec, name);
    return flagSynopsis(name, option, value);
  });
  return ['aiops-tui', spec.forms.filter(Boolean).join(' | '), ...flags].filter(Boolean).join(' ');
}

/** The `--help` page: what it does, its forms, every flag with its default. */
export function helpText<O extends Options>(spec: CommandSpec<O>): string {
  const rows = Object.keys(spec.options).map((name) => {
    const { option, value, text } = describeFlag(spec, name);
    const left = `${flagName(name, option)}${option.type === 'string' ? ` ${value}` : ''}`;
    const fallback =
      option.default !== undefined && option.default !== false ? ` (default ${String(option.default)})` : '';
    return [left, text + fallback] as const;
  });
  rows.push([flagName('help', HELP), 'print this help and exit']);
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    spec.summary,
    '',
    'Usage:',
    ...spec.forms.map(
      (form) => `  ${['aiops-tui', form, rows.length > 1 ? '[flags]' : ''].filter(Boolean).join(' ')}`,
    ),
    '',
    'Flags:',
    ...rows.map(([left, text]) => `  ${left.padEnd(width)}  ${text}`),
    '',
  ].join('\n');
}

type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{
    args: string[];
    options: O & { help: typeof HELP };
    strict: true;
    allowPositionals: true;
  }>
>;

/**
 * Parses argv by the command's table. `help` is set (to the help page) when -h/--help was
 * given: the caller prints it and exits 0. A bad flag is a one-line CliError quoting the usage.
 */
export function parseCommandLine<O extends Options>(
  spec: CommandSpec<O>,
  argv: string[],
): Parsed<O> & { help: string | undefined } {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...spec.options, help: HELP },
      strict: true,
      allowPositionals: true,
    }) as Parsed<O>;
  } catch (error) {
    throw new CliError(`${describeError(error)} (usage: ${usageLine(spec)})`);
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help) return { ...parsed, help: helpText(spec) };
  if (!spec.allowPositionals && parsed.positionals.length > 0)
    throw new CliError(`unexpected argument "${parsed.positionals[0]}" (usage: ${usageLine(spec)})`);
  return { ...parsed, help: undefined };
}

// --- output formats -----------------------------------------------------------------------

export const OUTPUT_FORMATS = ['json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number] | 'text';

/** `--json` and `-o json|yaml`, kubectl's way; every command with machine output takes both. */
export const OUTPUT_OPTIONS = {
  output: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
} as const;

export const OUTPUT_HELP: FlagHelp<typeof OUTPUT_OPTIONS> = {
  output: [OUTPUT_FORMATS.join('|'), 'print the result as JSON or YAML instead of text'],
  json: 'the same as -o json',
};

export function outputFormat(values: {
  output?: string | undefined;
  json?: boolean | undefined;
}): OutputFormat {
  if (values.output === undefined) return values.json ? 'json' : 'text';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(values.output))
    throw new CliError(`-o takes ${OUTPUT_FORMATS.join(' or ')} (got "${values.output}")`);
  if (values.json && values.output !== 'json')
    throw new CliError(`--json and -o ${values.output} exclude each other`);
  return values.output as OutputFormat;
}

/** The data as the format prints it; JSON and YAML carry the same fields. */
export function formatData(format: 'json' | 'yaml', data: unknown): string {
  // Through JSON first: YAML then holds exactly what JSON would (no undefineds, Dates as strings).
  const plain: unknown = JSON.parse(JSON.stringify(data));
  return format === 'json' ? JSON.stringify(plain, null, 2) + '\n' : toYaml(plain);
}

// --- durations ----------------------------------------------------------------------------

const DAY_MS = 86_400_000;

/**
 * A look-back window: a Go duration (`90m`, `1h30m`) optionally led by whole days (`7d`,
 * `1d12h`), since a week is what an audit asks about and Go has no unit for it.
 */
export function parseWindow(text: string): number | undefined {
  const m = /^(\d+)d(.*)$/.exec(text.trim());
  if (!m) return parseDuration(text);
  const rest = m[2] ? parseDuration(m[2]) : 0;
  return rest === undefined ? undefined : Number(m[1]) * DAY_MS + rest;
}

// --- flag groups several commands share -----------------------------------------------------

/** Which cluster to read, kubectl's flags and kubectl's lookup order. */
export const CLUSTER_OPTIONS = {
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
} as const;

export const CLUSTER_HELP: FlagHelp<typeof CLUSTER_OPTIONS> = {
  namespace: ['NS', "the namespace to read (default: the context's, else default)"],
  'all-namespaces': 'read every namespace',
  kubeconfig: [
    'FILE',
    'the kubeconfig (default: $KUBECONFIG, else ~/.kube/config, else the pod’s service account)',
  ],
  context: ['NAME', 'the kubeconfig context (default: its current-context)'],
};

/** Who signs: every event a person causes is signed with their key. */
export const IDENTITY_OPTIONS = {
  'signing-key': { type: 'string' },
  'allowed-signers': { type: 'string' },
  approver: { type: 'string' },
} as const;

export const IDENTITY_HELP: FlagHelp<typeof IDENTITY_OPTIONS> = {
  'signing-key': [
    'FILE',
    "your SSH private key, or a .pub whose key ssh-agent holds (default: git's user.signingkey, else ssh-agent's first listed key)",
  ],
  'allowed-signers': [
    'FILE',
    'principals and their public keys (default: beside the policy, ~/.config/aiops-tui/allowed_signers)',
  ],
  approver: ['PRINCIPAL', 'which of your key’s principals to sign as, when it has several'],
};

/** Where the trail lives and which rules hold for changes. */
export const TRAIL_OPTIONS = {
  'history-dir': { type: 'string', default: 'history' },
  policy: { type: 'string' },
  'no-git-commit': { type: 'boolean' },
} as const;

export const TRAIL_HELP: FlagHelp<typeof TRAIL_OPTIONS> = {
  'history-dir': ['DIR', 'the Prompt History Records and reports'],
  policy: ['FILE', 'the approval policy (default: ~/.config/aiops-tui/policy.yaml, else the built-in tiers)'],
  'no-git-commit': 'do not commit finished records (default: commit when DIR is in a git work tree)',
};

/** The assistant: kubectl-ai when it is installed, else the offline one. */
export const AI_OPTIONS = {
  'kubectl-ai': { type: 'string' },
  'no-ai': { type: 'boolean' },
  'llm-provider': { type: 'string' },
  model: { type: 'string' },
  'ai-timeout': { type: 'string' },
} as const;

export const AI_HELP: FlagHelp<typeof AI_OPTIONS> = {
  'kubectl-ai': ['PATH', 'the kubectl-ai binary (default: kubectl-ai on PATH, else the offline assistant)'],
  'no-ai': 'use the offline assistant only',
  'llm-provider': ['NAME', 'kubectl-ai --llm-provider (default: $KUBECTL_AI_LLM_PROVIDER, else gemini)'],
  model: ['NAME', 'kubectl-ai --model (default: $KUBECTL_AI_MODEL, else gemini-2.5-pro)'],
  'ai-timeout': ['DURATION', 'how long one answer may take, a Go duration like 60s or 1m30s (default 60s)'],
};

/** A Go-style duration flag in milliseconds, `fallback` when absent; a bad one is one line. */
export function durationFlag(
  name: string,
  text: string | undefined,
  fallback: number,
  minimumMs = 1,
): number {
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined || ms < minimumMs)
    throw new CliError(
      `--${name} must be a duration${minimumMs > 1 ? ` of at least ${minimumMs / 1000}s` : ''} like 60s or 1m30s (got "${text}")`,
    );
  return ms;
}
