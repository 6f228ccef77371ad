// What every external tool we run (kubectl, helm, kubectl-ai) may inherit from the cockpit's
// environment: how to find itself, the locale, temp and config directories, a proxy, the CA
// bundle. Each caller adds its own; nothing here names a cluster, a context or credentials.
export const TOOL_ENV: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'XDG_CONFIG_HOME',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];
