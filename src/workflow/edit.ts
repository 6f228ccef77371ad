// `e` on a row, as kubectl edit: the object read fresh, shown without the server's noise, opened
// in $VISUAL/$EDITOR (run as an argv, never through a shell), and the result, if it changed,
// proposed as an apply of a file kept durably beside the snapshots. Nothing is written to the
// cluster here.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { createTwoFilesPatch } from 'diff';
import { isMap, LineCounter, parseAllDocuments, stringify } from 'yaml';
import { splitWords } from './shell-words.js';
import { writeDurably } from '../audit/durable.js';
import { canonical } from '../audit/record-format.js';
import type { ResourceRef } from '../model/analysis.js';
import type { Operation } from '../model/operation.js';

const HEADER = [
  '# Edit the object below. Lines beginning with a "#" are ignored; an empty or unchanged file',
  '# cancels. What you change is proposed to the approval queue as a patch (as kubectl edit',
  '# sends one): nothing changes until it is approved. Changing its kind, name or namespace is',
  '# refused.',
];

/** Written by the server, not by whoever edits: left out of what the editor shows. */
const NOISE_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'selfLink',
] as const;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The object as the editor shows it: no status, no server-kept metadata. */
export function editable(object: KubernetesObject): KubernetesObject {
  const copy = JSON.parse(JSON.stringify(object)) as KubernetesObject & { status?: unknown };
  delete copy.status;
  const metadata = (copy.metadata ?? {}) as Record<string, unknown>;
  for (const key of NOISE_METADATA) delete metadata[key];
  const annotations = metadata.annotations as Record<string, string> | undefined;
  if (annotations) {
    delete annotations[LAST_APPLIED];
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
  }
  return copy;
}

/** The text of the file the editor opens. */
export function editableYaml(object: KubernetesObject): string {
  return `${HEADER.join('\n')}\n${stringify(editable(object))}`;
}

/**
 * The editor as an argv: $VISUAL, else $EDITOR, else vi. It may carry arguments (`code --wait`),
 * split as a shell splits words; anything that needs a shell (a pipe, `;`, `$(…)`) is refused.
 */
export function editorCommand(env: NodeJS.ProcessEnv): { argv: string[] } | { error: string } {
  const name = env.VISUAL?.trim() ? 'VISUAL' : env.EDITOR?.trim() ? 'EDITOR' : undefined;
  if (!name) return { argv: ['vi'] };
  const value = env[name]!;
  const split = splitWords(value);
  if ('error' in split) return { error: `${name} cannot be read: ${split.error}` };
  if (split.compound || split.words.length === 0)
    return {
      error: `${name}=${JSON.stringify(value)} needs a shell; give the editor and its arguments only (no ; | & $( ) or redirections)`,
    };
  return { argv: split.words };
}

export type EditOutcome =
  | { kind: 'cancelled' }
  | { kind: 'invalid'; line: number; message: string }
  | { kind: 'refused'; why: string }
  /** `json`: the object as it is stored and applied (see storeEdit). */
  | { kind: 'changed'; object: KubernetesObject; json: string };

const identity = (o: KubernetesObject) =>
  `${o.kind ?? '?'} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '?'}`;

/**
 * What the edited text amounts to, against the object the editor was given (its `editable`
 * form). Comments are ignored; an empty or equal result cancels; a different kind, name or
 * namespace is refused, as kubectl edit refuses it.
 */
export function readEdit(original: KubernetesObject, text: string): EditOutcome {
  const uncommented = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n');
  if (uncommented.trim() === '') return { kind: 'cancelled' };
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter });
  if (!Array.isArray(docs)) return { kind: 'invalid', line: 1, message: 'not a YAML document' };
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error)
      return {
        kind: 'invalid',
        line: lineCounter.linePos(error.pos[0]).line,
        message: error.message.split('\n')[0]!,
      };
  }
  const objects = docs.filter((d) => d.contents !== null);
  if (objects.length !== 1)
    return { kind: 'refused', why: `the file holds ${objects.length} documents; an edit is of one object` };
  if (!isMap(objects[0]!.contents)) return { kind: 'invalid', line: 1, message: 'not a mapping (an object)' };
  const edited = objects[0]!.toJS() as KubernetesObject;
  const before = editable(original);
  if (canonical(edited) === canonical(before)) return { kind: 'cancelled' };
  const same = (o: KubernetesObject) => [o.kind, o.metadata?.name, o.metadata?.namespace ?? ''].join('\0');
  if (same(edited) !== same(before))
    return {
      kind: 'refused',
      why: `the edit changes what the object is (${identity(before)} → ${identity(edited)}); its kind, name and namespace must stay`,
    };
  // Stored as the change alone (a JSON merge patch from what the editor showed, with the object's
  // identity): an approval hours later changes what was edited and keeps what others changed.
  const patch = {
    ...(mergePatch(before, edited) as object),
    apiVersion: edited.apiVersion,
    kind: edited.kind,
    metadata: {
      ...((mergePatch(before.metadata, edited.metadata) as object | undefined) ?? {}),
      name: edited.metadata?.name,
      ...(edited.metadata?.namespace ? { namespace: edited.metadata.namespace } : {}),
    },
  };
  return { kind: 'changed', object: edited, json: `${JSON.stringify(patch, null, 2)}\n` };
}

/**
 * RFC 7386's merge patch from `before` to `after`: what changed, `null` for what was removed,
 * nothing for what is equal (undefined when all is). Lists are values: an edited list is sent
 * whole, as the editor showed it.
 */
export function mergePatch(before: unknown, after: unknown): unknown {
  const isMapValue = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isMapValue(before) || !isMapValue(after))
    return canonical(before) === canonical(after) ? undefined : after;
  const patch: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!(key in after)) patch[key] = null;
    else if (!(key in before)) patch[key] = after[key];
    else {
      const inner = mergePatch(before[key], after[key]);
      if (inner !== undefined) patch[key] = inner;
    }
  }
  return Object.keys(patch).length ? patch : undefined;
}

/** The change an edit makes, as a unified diff of the shown YAML: the record's evidence. */
export function editDiff(original: KubernetesObject, edited: KubernetesObject, label: string): string[] {
  const patch = createTwoFilesPatch(
    `${label} (live)`,
    `${label} (edited)`,
    stringify(editable(original)),
    stringify(edited),
    undefined,
    undefined,
    { context: 3 },
  );
  // The header's "====" line and the file names say nothing the title does not.
  return patch.split('\n').filter((line, i) => i > 1 && line !== '');
}

/**
 * Keeps the edited object where the executor will read it: `<dir>/<sha256>.json`, 0600, fsynced,
 * so an approval hours later applies exactly these bytes (the operation carries the digest).
 * JSON, not YAML: kubectl reads YAML 1.1 (`yes` is a boolean there, a string to us), and JSON
 * means one thing to both.
 */
export function storeEdit(dir: string, json: string): { path: string; sha256: string } {
  const sha256 = createHash('sha256').update(json).digest('hex');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeDurably(dir, `${sha256}.json`, json, 0o600);
  return { path: join(dir, `${sha256}.json`), sha256 };
}

/**
 * What an edit proposes: its merge patch (`kubectl patch --type merge`), so a field the edit
 * removed is removed (an apply keeps what no last-applied copy names) and a field someone else
 * changed since is kept. An `apply`-kind operation: a kubectl run on a stored, digest-checked
 * file holding its target alone, tiered as apply.
 */
export function editOperation(target: ResourceRef, path: string, sha256: string, changed: number): Operation {
  const what = `${target.kind.toLowerCase()} ${target.namespace ? `${target.namespace}/` : ''}${target.name}`;
  return {
    kind: 'apply',
    files: [path],
    argv: [
      'kubectl',
      'patch',
      `${target.kind.toLowerCase()}/${target.name}`,
      ...(target.namespace ? ['-n', target.namespace] : []),
      '--type',
      'merge',
      '--patch-file',
      path,
    ],
    sha256,
    target,
    summary: `patch ${what} with its edit (${changed} line${changed === 1 ? '' : 's'} changed)`,
    kubectl: `kubectl patch ${target.kind.toLowerCase()}/${target.name}${target.namespace ? ` -n ${target.namespace}` : ''} --type merge --patch-file ${path}`,
  };
}
