// Storage that keeps pods from starting (k8sgpt's pvc analyzer, popeye's pvc and pv lints): a
// claim stuck Pending (its class, whether that class exists, the provisioner's message, the pods
// waiting on it), a claim Lost, a pod whose claim does not exist or will not mount, and volumes
// Failed or long Released. The fix names what is missing and what exists; it never invents one.
import type { V1PersistentVolumeClaim, V1Pod, V1StorageClass } from '@kubernetes/client-node';
import { describeEvent, latestEvent } from '../event-evidence.js';
import { makeFinding, refKey, type FindingInput } from '../finding.js';
import { addTo } from '../selector-index.js';
import { indexSnapshot } from '../snapshot-index.js';
import { epoch, formatDuration } from '../time.js';
import type { AnalyzeOptions, ClusterSnapshot, Finding, ResourceRef } from '../../model/analysis.js';

const ANALYZER = 'storage';
/** A Released volume older than this is left over, not being recycled. */
export const RELEASED_LONG_MS = 60 * 60_000;
const DEFAULT_CLASS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

type Problem = Omit<FindingInput, 'analyzer' | 'resource'>;

const isDefault = (c: V1StorageClass) => DEFAULT_CLASS.some((a) => c.metadata?.annotations?.[a] === 'true');

/** `standard (default, k8s.io/minikube-hostpath)`, one per class. */
export function describeClasses(classes: readonly V1StorageClass[]): string {
  return classes.length
    ? classes
        .map((c) => `${c.metadata?.name} (${isDefault(c) ? 'default, ' : ''}${c.provisioner})`)
        .join(', ')
    : '<none>';
}

/**
 * What the claim's class tells about its Pending state, and the fix that names it: a class that
 * does not exist, no class and no default, the empty class that binds only to a pre-made volume.
 * Undefined when the class exists (the provisioner's own message says the rest).
 */
export function classVerdict(
  claim: V1PersistentVolumeClaim,
  classes: readonly V1StorageClass[],
): { line: string; fix?: string; cls?: V1StorageClass } {
  const wanted = claim.spec?.storageClassName;
  const name = claim.metadata?.name;
  const existing = `StorageClasses: ${describeClasses(classes)}`;
  const defaults = classes.filter(isDefault);
  const recreate = (to: string) => `recreate PVC ${name} with ${to} (a claim's class is immutable)`;
  if (wanted === '') {
    return {
      line: 'storageClassName: "" (binds only to a pre-created PersistentVolume without a class)',
      fix: `No PersistentVolume without a class matches it: create one for its size and access modes, or ${recreate(defaults.length ? `storageClassName ${defaults[0]!.metadata?.name} (the default)` : 'one of the classes')}. ${existing}.`,
    };
  }
  if (wanted === undefined || wanted === null) {
    if (defaults.length)
      return {
        line: `storageClassName: <unset> → default class ${defaults[0]!.metadata?.name}`,
        cls: defaults[0],
      };
    return {
      line: 'storageClassName: <unset>, and no StorageClass is marked default',
      fix: classes.length
        ? `Mark a class default and the claim gets it (kubectl patch storageclass ${classes[0]!.metadata?.name} -p '{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}'), or set storageClassName in the claim to one of: ${classes.map((c) => c.metadata?.name).join(', ')}.`
        : 'No StorageClass exists: install a provisioner (minikube addons enable storage-provisioner default-storageclass), or create a PersistentVolume for the claim.',
    };
  }
  const cls = classes.find((c) => c.metadata?.name === wanted);
  if (cls)
    return {
      line: `storageClassName: ${wanted} (provisioner ${cls.provisioner}, ${cls.volumeBindingMode ?? 'Immediate'})`,
      cls,
    };
  return {
    line: `storageClassName: ${wanted}, which does not exist`,
    fix: `StorageClass ${wanted} does not exist. ${existing}. Either ${recreate(
      defaults.length
        ? `storageClassName ${defaults[0]!.metadata?.name} (or none, for the default)`
        : classes.length
          ? `one of those classes`
          : 'a class once one exists',
    )}, or create StorageClass ${wanted}.`,
  };
}

/** Claim names a pod uses: its persistentVolumeClaim volumes and the claims of its ephemeral volumes. */
function claimsOf(pod: V1Pod): { claim: string; volume: string }[] {
  return (pod.spec?.volumes ?? []).flatMap((v) =>
    v.persistentVolumeClaim
      ? [{ claim: v.persistentVolumeClaim.claimName, volume: v.name }]
      : v.ephemeral
        ? [{ claim: `${pod.metadata?.name}-${v.name}`, volume: v.name }]
        : [],
  );
}

export function storage(snapshot: ClusterSnapshot, options: AnalyzeOptions): Finding[] {
  const claims = snapshot.persistentVolumeClaims;
  if (!claims) return [];
  const { events } = indexSnapshot(snapshot);
  const claimByName = new Map(claims.map((c) => [`${c.metadata?.namespace}/${c.metadata?.name}`, c]));
  const users = new Map<string, { pod: V1Pod; volume: string }[]>();
  const findings: Finding[] = [];
  const add = (resource: ResourceRef, problem: Problem) =>
    findings.push(makeFinding(snapshot, { analyzer: ANALYZER, resource, ...problem }));
  const podRef = (pod: V1Pod): ResourceRef => ({
    kind: 'Pod',
    namespace: pod.metadata?.namespace,
    name: pod.metadata?.name ?? '',
  });

  for (const pod of snapshot.pods) {
    const namespace = pod.metadata?.namespace ?? '';
    for (const { claim, volume } of claimsOf(pod)) {
      const key = `${namespace}/${claim}`;
      addTo(users, key, { pod, volume });
      const ephemeral = pod.spec?.volumes?.find((v) => v.name === volume)?.ephemeral;
      if (!claimByName.has(key) && !ephemeral && pod.status?.phase === 'Pending') {
        const failed = latestEvent(events.get(refKey(podRef(pod))), ['FailedScheduling']);
        add(podRef(pod), {
          problem: `missing-claim:${claim}`,
          severity: 'critical',
          title: `Pod uses PersistentVolumeClaim ${claim}, which does not exist`,
          detail: [
            `volume ${volume}: persistentVolumeClaim ${claim}`,
            `claims in ${namespace}: ${
              claims
                .filter((c) => c.metadata?.namespace === namespace)
                .map((c) => c.metadata?.name)
                .join(', ') || '<none>'
            }`,
            ...(failed ? [describeEvent(failed)] : []),
          ],
          suggestedFix: `Create PVC ${claim} in ${namespace}, or point volume ${volume} at an existing claim.`,
          runbook: 'pvc-pending',
          since: epoch(pod.metadata?.creationTimestamp),
        });
      }
    }
  }

  for (const claim of claims) {
    const { namespace = '', name } = claim.metadata ?? {};
    if (!name) continue;
    const resource = { kind: 'PersistentVolumeClaim', namespace, name };
    const waiting = users.get(`${namespace}/${name}`) ?? [];
    const claimEvents = events.get(refKey(resource));
    const created = epoch(claim.metadata?.creationTimestamp);
    const phase = claim.status?.phase;
    if (phase === 'Pending') {
      const failed = latestEvent(claimEvents, ['ProvisioningFailed', 'FailedBinding']);
      const verdict = snapshot.storageClasses ? classVerdict(claim, snapshot.storageClasses) : undefined;
      const lateBinding = verdict?.cls?.volumeBindingMode === 'WaitForFirstConsumer';
      // Waiting for its first pod is how WaitForFirstConsumer works; young claims get a grace period.
      if (
        !failed &&
        !verdict?.fix &&
        (lateBinding
          ? waiting.length === 0
          : created !== undefined && snapshot.now - created < options.graceMs)
      )
        continue;
      const detail = [
        verdict?.line ?? `storageClassName: ${claim.spec?.storageClassName ?? '<unset>'}`,
        ...(verdict && !verdict.fix
          ? []
          : snapshot.storageClasses
            ? [`StorageClasses: ${describeClasses(snapshot.storageClasses)}`]
            : []),
        `requests ${claim.spec?.resources?.requests?.['storage'] ?? '?'}, access modes ${(claim.spec?.accessModes ?? []).join(', ') || '<none>'}`,
        ...(created !== undefined ? [`Pending for ${formatDuration(snapshot.now - created)}`] : []),
        ...(failed ? [describeEvent(failed)] : []),
        ...waiting.slice(0, 3).map(({ pod }) => {
          const scheduling = latestEvent(events.get(refKey(podRef(pod))), ['FailedScheduling']);
          return `pod ${pod.metadata?.name} waits on it${scheduling ? `: ${describeEvent(scheduling)}` : ''}`;
        }),
      ];
      add(resource, {
        problem: 'pending',
        severity: waiting.length ? 'critical' : 'warning',
        title: `PersistentVolumeClaim is Pending${verdict?.fix ? `: ${verdict.line.replace(/^storageClassName: /, 'class ')}` : failed ? ` (${failed.reason})` : ''}`,
        detail,
        affected: waiting.map(({ pod }) => podRef(pod)),
        suggestedFix:
          verdict?.fix ??
          (failed
            ? `The provisioner reports: ${failed.message?.split('\n')[0]}. Fix what it names (its pods and logs), or use another class.`
            : 'No provisioner has acted on the claim: check that the class provisioner runs, or create a PersistentVolume that matches it.'),
        runbook: 'pvc-pending',
        since: created,
      });
    } else if (phase === 'Lost') {
      add(resource, {
        problem: 'lost',
        severity: 'critical',
        title: `PersistentVolumeClaim is Lost: its volume ${claim.spec?.volumeName ?? ''} is gone`,
        detail: [
          `volumeName: ${claim.spec?.volumeName ?? '<none>'}`,
          'the bound PersistentVolume no longer exists; its data may be lost',
        ],
        affected: waiting.map(({ pod }) => podRef(pod)),
        suggestedFix:
          'Restore the PersistentVolume (from its backing disk or a backup) with the same name, or delete and recreate the claim (a new, empty volume).',
        runbook: 'pvc-pending',
        since: created,
      });
    } else if (phase === 'Bound') {
      // A bound claim that still will not mount: the kubelet's or attach-detach's event names why.
      for (const { pod, volume } of waiting) {
        if (pod.status?.phase !== 'Pending') continue;
        const mount = latestEvent(events.get(refKey(podRef(pod))), ['FailedMount', 'FailedAttachVolume']);
        const message = mount?.message ?? '';
        if (
          !mount ||
          !(message.includes(volume) || (claim.spec?.volumeName && message.includes(claim.spec.volumeName)))
        )
          continue;
        add(resource, {
          problem: `mount:${pod.metadata?.name}`,
          severity: 'critical',
          title: `Pod ${pod.metadata?.name} cannot mount the claim (${mount.reason})`,
          detail: [
            `volume ${volume} → PVC ${name} (PV ${claim.spec?.volumeName ?? '?'})`,
            describeEvent(mount),
          ],
          affected: [podRef(pod)],
          suggestedFix: /Multi-Attach/.test(message)
            ? 'A ReadWriteOnce volume is attached to another node: run the pods on one node, or stop the old pod so the volume detaches.'
            : 'Read the mount error: the volume driver, the node, or the volume itself.',
          runbook: 'pvc-pending',
          since: epoch(mount.firstTimestamp) ?? epoch(mount.lastTimestamp),
        });
      }
    }
  }

  for (const pv of snapshot.persistentVolumes ?? []) {
    const name = pv.metadata?.name;
    const phase = pv.status?.phase;
    if (!name || (phase !== 'Failed' && phase !== 'Released')) continue;
    const since = epoch(pv.status?.lastPhaseTransitionTime) ?? epoch(pv.metadata?.creationTimestamp);
    if (phase === 'Released' && (since === undefined || snapshot.now - since < RELEASED_LONG_MS)) continue;
    const claimRef = pv.spec?.claimRef;
    add(
      { kind: 'PersistentVolume', name },
      {
        problem: phase.toLowerCase(),
        // Left-over storage costs money but breaks nothing running.
        severity: 'info',
        title:
          phase === 'Failed'
            ? `PersistentVolume reclaim failed${pv.status?.message ? `: ${pv.status.message}` : ''}`
            : `PersistentVolume has been Released for ${formatDuration(snapshot.now - since!)}`,
        detail: [
          `phase ${phase}${pv.status?.reason ? ` (${pv.status.reason})` : ''}, reclaim policy ${pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain'}`,
          ...(claimRef ? [`was bound to ${claimRef.namespace}/${claimRef.name}`] : []),
        ],
        suggestedFix:
          phase === 'Failed'
            ? 'Clean up the backing storage by hand, then delete the PersistentVolume.'
            : `It keeps its data and binds to nothing: delete it (kubectl delete pv ${name}) when the data is no longer needed, or clear its claimRef to reuse it.`,
        runbook: 'pvc-pending',
        since,
      },
    );
  }
  return findings;
}
