// The part of client-node the start-up path needs, imported from its own files. The package's
// root re-exports the generated API (~15 MB bundled), and esbuild puts whatever a shared module
// reaches into a chunk every entry loads; the cockpit's first frame does not need any of it
// (scripts/build.mjs gives config.js stand-ins for the two names it takes from that barrel). The
// modules are the same files as the root's, so ApiException and KubeConfig stay one class each.
export { KubeConfig } from '@kubernetes/client-node/dist/config.js';
export { ApiException } from '@kubernetes/client-node/dist/gen/apis/exception.js';
