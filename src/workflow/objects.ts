// The objects an operation touches, addressed as the API addresses them, read and written through
// client-node's generic object client (one code path for every kind, with the right patch type).
import {
  ApiException,
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  KubernetesObjectApi,
  NetworkingV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
  type V1ManagedFieldsEntry,
} from '@kubernetes/client-node';
import type { ResourceRef } from '../model/analysis.js';

/** API versions of the kinds the executor writes (what `kubectl` would resolve them to). */
const API_VERSIONS: Record<string, string> = {
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Pod: 'v1',
  PersistentVolumeClaim: 'v1',
  Event: 'v1',
  Service: 'v1',
  ConfigMap: 'v1',
  Secret: 'v1',
  Node: 'v1',
  Namespace: 'v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  Ingress: 'networking.k8s.io/v1',
};

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** The API address of a target, or undefined for pseudo-targets (a helm release, a command). */
export function objectRef(target: ResourceRef): ObjectRef | undefined {
  const apiVersion = API_VERSIONS[target.kind];
  if (!apiVersion) return undefined;
  const namespaced = !['Node', 'Namespace'].includes(target.kind);
  return {
    apiVersion,
    kind: target.kind,
    ...(namespaced && target.namespace ? { namespace: target.namespace } : {}),
    name: target.name,
  };
}

export const refLabel = (ref: ObjectRef): string =>
  `${ref.kind.toLowerCase()} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;

/** The Status message of a failed call, in one line (client-node puts it in a JSON string). */
export function apiMessage(error: unknown): string {
  if (error instanceof ApiException) {
    try {
      const status = JSON.parse(String(error.body)) as { message?: string };
      if (status.message) return `${status.message} (HTTP ${error.code})`;
    } catch {
      // not a Status body
    }
    return `HTTP ${error.code}`;
  }
  return (error as Error).message.split('\n')[0]!;
}

export const httpCode = (error: unknown): number | undefined =>
  error instanceof ApiException ? error.code : undefined;

/** The field manager of every write the cockpit makes (see Executor.releaseFieldsOf). */
export const FIELD_MANAGER = 'aiops-tui';

export const PATCH_STRATEGY = {
  strategic: PatchStrategy.StrategicMergePatch,
  merge: PatchStrategy.MergePatch,
  json: PatchStrategy.JsonPatch,
} as const;

interface PatchRequest {
  name: string;
  namespace: string;
  body: unknown;
  dryRun?: string;
  fieldManager?: string;
}
type Patcher = (
  request: PatchRequest,
  options: ReturnType<typeof setHeaderOptions>,
) => Promise<KubernetesObject>;

export class ObjectClient {
  readonly api: KubernetesObjectApi;
  readonly apps: AppsV1Api;
  readonly core: CoreV1Api;
  private readonly patchers: Record<string, Patcher>;
  constructor(kubeConfig: KubeConfig) {
    this.api = KubernetesObjectApi.makeApiClient(kubeConfig);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    const hpa = kubeConfig.makeApiClient(AutoscalingV2Api);
    const networking = kubeConfig.makeApiClient(NetworkingV1Api);
    const { apps, core } = this;
    this.patchers = {
      Deployment: apps.patchNamespacedDeployment.bind(apps),
      StatefulSet: apps.patchNamespacedStatefulSet.bind(apps),
      DaemonSet: apps.patchNamespacedDaemonSet.bind(apps),
      ReplicaSet: apps.patchNamespacedReplicaSet.bind(apps),
      Pod: core.patchNamespacedPod.bind(core),
      Service: core.patchNamespacedService.bind(core),
      ConfigMap: core.patchNamespacedConfigMap.bind(core),
      Secret: core.patchNamespacedSecret.bind(core),
      HorizontalPodAutoscaler: hpa.patchNamespacedHorizontalPodAutoscaler.bind(hpa),
      Ingress: networking.patchNamespacedIngress.bind(networking),
      Node: (request, options) => core.patchNode(request, options),
      Namespace: (request, options) => core.patchNamespace(request, options),
    };
  }

  private header(ref: ObjectRef) {
    return {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
    };
  }

  /** The object as stored, or null when it does not exist. */
  async read(ref: ObjectRef): Promise<KubernetesObject | null> {
    try {
      return await this.api.read(this.header(ref));
    } catch (error) {
      if (httpCode(error) === 404) return null;
      throw error;
    }
  }

  /**
   * A patch with its content type. The typed APIs pass the body through as JSON (the generic
   * client would re-serialize it as a model, dropping `null`s and refusing JSON patches).
   */
  patch(
    ref: ObjectRef,
    patch: unknown,
    type: keyof typeof PATCH_STRATEGY,
    dryRun?: boolean,
  ): Promise<KubernetesObject> {
    const send = this.patchers[ref.kind];
    if (!send) throw new Error(`patching a ${ref.kind} is not supported`);
    return send(
      {
        name: ref.name,
        namespace: ref.namespace ?? '',
        body: patch,
        fieldManager: FIELD_MANAGER,
        ...(dryRun ? { dryRun: 'All' } : {}),
      },
      setHeaderOptions('Content-Type', PATCH_STRATEGY[type]),
    );
  }

  canPatch(ref: ObjectRef): boolean {
    return ref.kind in this.patchers;
  }

  /**
   * Replaces the object's managedFields (the server's record of which manager owns which field),
   * only if it is still at `resourceVersion` (else 409). The server takes a request's
   * managedFields as given and, no other field changing, records no ownership for this write.
   * An empty list would be ignored; `[{}]` is the documented way to clear it.
   */
  async setManagedFields(
    ref: ObjectRef,
    resourceVersion: string,
    entries: readonly V1ManagedFieldsEntry[],
  ): Promise<KubernetesObject> {
    return this.patch(
      ref,
      { metadata: { resourceVersion, managedFields: entries.length ? entries : [{}] } },
      'merge',
    );
  }

  replace(object: KubernetesObject, dryRun?: boolean): Promise<KubernetesObject> {
    return this.api.replace(object, undefined, dryRun ? 'All' : undefined, FIELD_MANAGER);
  }

  create(object: KubernetesObject, dryRun?: boolean): Promise<KubernetesObject> {
    return this.api.create(object, undefined, dryRun ? 'All' : undefined, FIELD_MANAGER);
  }

  /** As kubectl deletes: dependents in the background; `gracePeriodSeconds` 0 is `--grace-period=0 --force`. */
  async delete(ref: ObjectRef, dryRun?: boolean, gracePeriodSeconds?: number): Promise<void> {
    await this.api.delete(
      this.header(ref),
      undefined,
      dryRun ? 'All' : undefined,
      gracePeriodSeconds,
      undefined,
      'Background',
    );
  }
}
