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

/**
 * The first connection flag in a kubectl or helm argv (program first), in any form pflag
 * accepts (`--flag value`, `--flag=value`, `-s value`, `-s=value`, `-svalue`, `-As value`),
 * before the first `--` (after it, words go to a container or plugin, not to the tool).
 * Errs on the side of refusing: a flag-looking word that is another flag's value counts too.
 */
export function connectionFlag(program: 'kubectl' | 'helm', argv: readonly string[]): string | undefined {
  const long = program === 'kubectl' ? KUBECTL_LONG : HELM_LONG;
  for (const word of argv.slice(1)) {
    if (word === '--') return undefined;
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
