// What a kagent tool call does, as the kubectl command kagent's k8s tools run for it
// (kagent-dev/tools, pkg/k8s: each handler builds these words, with these defaults). Read through
// our command parser, a paused tool call becomes the same Operation a kubectl proposal would —
// so a tool approval in our queue can be tiered by the policy exactly as that command.
import { parseCommand, quoteCommand, type ParsedCommand } from './command-parser.js';
import type { Operation } from '../model/operation.js';
import type { ToolCall } from '../model/operation.js';

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

/** The kubectl words (without `kubectl`) a k8s tool call runs, or undefined for another tool. */
export function toolCallWords(call: ToolCall): string[] | undefined {
  const a = (key: string, fallback = '') => text(call.args[key]) || fallback;
  const ns = (fallback = '') => (a('namespace', fallback) ? ['-n', a('namespace', fallback)] : []);
  switch (call.name) {
    case 'k8s_get_resources':
      return [
        'get',
        a('resource_type'),
        ...(a('resource_name') ? [a('resource_name')] : []),
        ...(a('all_namespaces') === 'true' ? ['--all-namespaces'] : ns()),
        '-o',
        a('output', 'wide'),
      ];
    case 'k8s_get_resource_yaml':
      return ['get', a('resource_type'), a('resource_name'), '-o', 'yaml', ...ns()];
    case 'k8s_describe_resource':
      return ['describe', a('resource_type'), a('resource_name'), ...ns()];
    case 'k8s_get_pod_logs':
      return ['logs', a('pod_name'), ...ns('default'), ...(a('container') ? ['-c', a('container')] : [])];
    case 'k8s_get_events':
      return ['get', 'events', '-o', 'json', ...(a('namespace') ? ns() : ['--all-namespaces'])];
    case 'k8s_get_available_api_resources':
      return ['api-resources'];
    case 'k8s_get_cluster_configuration':
      return ['config', 'view', '-o', 'json'];
    case 'k8s_scale':
      return ['scale', 'deployment', a('name'), '--replicas', a('replicas', '1'), ...ns('default')];
    case 'k8s_patch_resource':
      return [
        'patch',
        a('resource_type'),
        a('resource_name'),
        `--type=${a('patch_type', 'strategic')}`,
        '-p',
        a('patch'),
        ...ns('default'),
      ];
    case 'k8s_apply_manifest':
      // kagent writes the manifest to a file and applies it; here it is the command's stdin.
      return ['apply', '-f', '-'];
    case 'k8s_delete_resource':
      return ['delete', a('resource_type'), a('resource_name'), ...ns('default')];
    case 'k8s_rollout':
      return ['rollout', a('action'), `${a('resource_type')}/${a('resource_name')}`, ...ns()];
    case 'k8s_label_resource':
      return [
        'label',
        a('resource_type'),
        a('resource_name'),
        ...a('labels').split(/\s+/).filter(Boolean),
        ...ns(),
      ];
    case 'k8s_annotate_resource':
      return [
        'annotate',
        a('resource_type'),
        a('resource_name'),
        ...a('annotations').split(/\s+/).filter(Boolean),
        ...ns(),
      ];
    case 'k8s_remove_label':
      return ['label', a('resource_type'), a('resource_name'), `${a('label_key')}-`, ...ns()];
    case 'k8s_remove_annotation':
      return ['annotate', a('resource_type'), a('resource_name'), `${a('annotation_key')}-`, ...ns()];
    case 'k8s_create_resource_from_url':
      return ['create', '-f', a('url'), ...ns()];
    case 'k8s_execute_command':
      return ['exec', a('pod_name'), ...ns('default'), '--', a('command')];
    default:
      return undefined;
  }
}

/**
 * The tool call read as a kubectl command: read-only, or mutating with its Operation (tier it
 * with tierOf). A tool we do not know is `unknown`: a change we cannot describe, to be treated
 * as the policy treats a command it cannot map (critical).
 */
export function toolCallOperation(call: ToolCall): ParsedCommand | { kind: 'unknown'; tool: string } {
  const words = toolCallWords(call);
  return words ? parseCommand(quoteCommand(['kubectl', ...words])) : { kind: 'unknown', tool: call.name };
}

/**
 * The kubectl operation a tool call amounts to: null when read-only; a tool we cannot read as a
 * kubectl command (unknown, refused, unparseable) is a `generic` change, critical.
 */
export function toolEquivalent(call: ToolCall): Operation | null {
  const parsed = toolCallOperation(call);
  if (parsed.kind === 'read-only') return null;
  if (parsed.kind === 'mutating') return parsed.operation;
  const why =
    parsed.kind === 'unknown'
      ? 'a tool we cannot read as a kubectl command'
      : parsed.kind === 'refused' || parsed.kind === 'unparseable'
        ? parsed.reason
        : 'not a kubectl command';
  return {
    kind: 'generic',
    target: { kind: 'Tool', name: call.name },
    summary: `kagent tool ${call.name}: ${why}`,
    kubectl: `(kagent tool ${call.name} ${JSON.stringify(call.args)})`,
    argv: [call.name],
  };
}
