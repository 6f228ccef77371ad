// Flags with which a command picks its own cluster, credentials or identity. The cockpit decides
// where an approved change goes (its context, through the environment); a proposal that carries
// one of these would run somewhere, or as someone, the approver did not choose, so it is refused.

/** kubectl's global connection flags (`kubectl options`), and kuberc, which can rewrite flags. */
const KUBECTL_LONG = new Set([
  '--kubeconfig',
  '--context',
  '--server',
  '--token',
  '--as',
  '--as-group',
  '--as-uid',
  '--user',
  '--cluster',
  '--certificate-authority',
  '--client-certificate',
  '--client-key',
  '--insecure-skip-tls-verify',
  '--tls-server-name',
  '--username',
  '--password',
  '--kuberc',
]);

/** helm's global connection flags (`helm --help`). */
const HELM_LONG = new Set([
  '--kubeconfig',
  '--kube-context',
  '--kube-token',
  '--kube-apiserver',
  '--kube-as-user',
  '--kube-as-group',
  '--kube-ca-file',
  '--kube-insecure-skip-tls-verify',
  '--kube-tls-server-name',
]);

/** kubectl shorthands that take a value: in `-nfoo` the rest of the word is the value. */
const KUBECTL_VALUE_SHORTHANDS = new Set(['n', 'l', 'o', 'f', 'c', 'p', 'L', 'k', 'v', 'e']);

/** Long flags known to take no value: a `--` after one of them does end the flags. */
const BOOLEANS = new Set([
  '--stdin',
  '--tty',
  '--overwrite',
  '--force',
  '--all',
  '--all-namespaces',
  '--wait',
  '--rm',
  '--quiet',
  '--ignore-daemonsets',
  '--delete-emptydir-data',
  '--create-namespace',
  '--install',
  '--atomic',
  '--reuse-values',
  '--reset-values',
  '--save-config',
  '--record',
]);

/**
 * Whether a flag word leaves its value to the next word, so that a `--` right after it is that
 * value (`-n --`), not the end of the flags. Unknown long flags are taken to: refusing too
 * much is the safe side.
 */
function awaitsValue(word: string | undefined): boolean {
  if (!word || word.includes('=') || !word.startsWith('-') || word === '--') return false;
  if (word.startsWith('--')) return !BOOLEANS.has(word);
  const shorthands = word.slice(1);
  const valued = [...shorthands].findIndex((ch) => KUBECTL_VALUE_SHORTHANDS.has(ch));
  return valued === shorthands.length - 1;
}

/**
 * The first connection flag in a kubectl or helm argv (program first), in any form pflag
 * accepts (`--flag value`, `--flag=value`, `-s value`, `-s=value`, `-svalue`, `-As value`),
 * before the first `--` that ends the flags (after it, words go to a container, not to the
 * tool; a `--` that is a flag's value, as in `-n -- --context x`, does not end them).
 * Errs on the side of refusing: a flag-looking word that is another flag's value counts too.
 */
export function connectionFlag(program: 'kubectl' | 'helm', argv: readonly string[]): string | undefined {
  const long = program === 'kubectl' ? KUBECTL_LONG : HELM_LONG;
  const words = argv.slice(1);
  for (const [i, word] of words.entries()) {
    if (word === '--' && !awaitsValue(words[i - 1])) return undefined;
    if (word.startsWith('--')) {
      const name = word.split('=', 1)[0]!;
      if (long.has(name)) return name;
    } else if (program === 'kubectl' && word.startsWith('-') && word.length > 1) {
      // A cluster of shorthands: booleans until one that takes a value (the rest is its value).
      for (const ch of word.slice(1)) {
        if (ch === 's') return '-s';
        if (KUBECTL_VALUE_SHORTHANDS.has(ch) || ch === '=') break;
      }
    }
  }
  return undefined;
}
