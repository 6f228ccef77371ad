// The command-line conventions every command shares: look-back windows, output formats, and a
// help page and usage line made from the flag table alone.
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/errors.js';
import {
  command,
  helpText,
  outputFormat,
  parseCommandLine,
  parseWindow,
  usageLine,
} from '../../src/cli/usage.js';

describe('parseWindow', () => {
  it.each([
    ['7d', 7 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['30m', 30 * 60_000],
    ['1m30s', 90_000],
    ['1h30m', 90 * 60_000],
    ['1d12h', 36 * 3_600_000],
    ['soon', undefined],
    ['7', undefined],
    ['1d soon', undefined],
    ['d', undefined],
  ])('%s → %s', (text, ms) => {
    expect(parseWindow(text)).toBe(ms);
  });
});

describe('outputFormat', () => {
  it.each([
    [{}, 'text'],
    [{ json: true }, 'json'],
    [{ output: 'json' }, 'json'],
    [{ output: 'yaml' }, 'yaml'],
    [{ output: 'json', json: true }, 'json'],
  ] as const)('%j → %s', (values, format) => {
    expect(outputFormat(values)).toBe(format);
  });

  it.each([
    [{ output: 'wide' }, '-o takes json or yaml (got "wide")'],
    [{ output: 'yaml', json: true }, '--json and -o yaml exclude each other'],
  ] as const)('%j is one line, exit 2', (values, message) => {
    expect(() => outputFormat(values)).toThrow(new CliError(message));
  });
});

describe('help and usage from the flag table', () => {
  const spec = command({
    forms: ['thing list', 'thing show ID'],
    summary: 'aiops-tui thing — shows things.',
    options: {
      namespace: { type: 'string', short: 'n' },
      depth: { type: 'string', default: '3' },
      quiet: { type: 'boolean' },
    },
    help: { namespace: ['NS', 'where to look'], depth: ['N', 'how deep'], quiet: 'say less' },
    allowPositionals: true,
  });

  it('the usage line names each form and every flag with its value', () => {
    expect(usageLine(spec)).toBe(
      'aiops-tui thing list | thing show ID [-n|--namespace NS] [--depth N] [--quiet]',
    );
  });

  it('the help page lists every flag with its default, and --help itself', () => {
    expect(helpText(spec)).toBe(
      [
        'aiops-tui thing — shows things.',
        '',
        'Usage:',
        '  aiops-tui thing list [flags]',
        '  aiops-tui thing show ID [flags]',
        '',
        'Flags:',
        '  -n, --namespace NS  where to look',
        '      --depth N       how deep (default 3)',
        '      --quiet         say less',
        '  -h, --help          print this help and exit',
        '',
      ].join('\n'),
    );
  });

  it('-h anywhere returns the help; an unknown flag is one line quoting the usage', () => {
    expect(parseCommandLine(spec, ['list', '--quiet', '-h']).help).toBe(helpText(spec));
    expect(parseCommandLine(spec, ['list', '-n', 'todo']).values.namespace).toBe('todo');
    expect(() => parseCommandLine(spec, ['--deep'])).toThrow(
      /^Unknown option '--deep'.*\(usage: aiops-tui thing list \| thing show ID \[-n\|--namespace NS\] \[--depth N\] \[--quiet\]\)$/,
    );
    expect(() => parseCommandLine({ ...spec, allowPositionals: false }, ['extra'])).toThrow(
      'unexpected argument "extra"',
    );
  });
});
