// client-node's generated API classes, for import() where they are first used. They are most of
// the client (~15 MB bundled); KubeConfig and Metrics need none of them. An import() of
// '@kubernetes/client-node' itself would put the whole package in one chunk with the start-up
// path's KubeConfig; this module keeps the classes in a lazy chunk of their own.
export { CoreV1Api } from '@kubernetes/client-node';
