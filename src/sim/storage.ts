// Storage classes and the provisioners the simulator runs (docs/simulator.md lists them).
import type { KubeObject } from './objects.js';

/** The annotation that makes a StorageClass the default (DefaultStorageClass admission). */
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

/**
 * Provisioners the simulator answers for. A claim whose class names another one waits for it
 * (`ExternalProvisioning` events), as it would on a cluster where that provisioner is not running.
 */
export const SIMULATED_PROVISIONERS = {
  /** minikube's storage-provisioner: hostPath volumes under /tmp/hostpath-provisioner. */
  minikubeHostpath: 'k8s.io/minikube-hostpath',
  /** rancher's local-path-provisioner (k3s, kind): node-local volumes, so it needs a selected node. */
  localPath: 'rancher.io/local-path',
} as const;

export const isSimulatedProvisioner = (name: unknown): boolean =>
  Object.values(SIMULATED_PROVISIONERS).includes(name as never);

/** minikube's default class, as its storage-provisioner addon creates it. Scenarios create it. */
export function minikubeStorageClass(): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: 'standard',
      annotations: { [DEFAULT_CLASS_ANNOTATION]: 'true' },
      labels: { 'addonmanager.kubernetes.io/mode': 'EnsureExists' },
    },
    provisioner: SIMULATED_PROVISIONERS.minikubeHostpath,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
  };
}

/** The default class: with several, the newest (as DefaultStorageClass admission picks since 1.26). */
export function defaultStorageClass(classes: readonly KubeObject[]): KubeObject | undefined {
  return classes
    .filter((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true')
    .sort(
      (a, b) =>
        String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)) ||
        a.metadata.name.localeCompare(b.metadata.name),
    )[0];
}
