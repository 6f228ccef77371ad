// Server-side printing: kubectl asks for meta.k8s.io Tables and prints the columns the server
// chooses, which src/kube/printers.ts holds for each type.
import { printerFor } from '../kube/printers.js';
import type { KubeObject } from './objects.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** True when the Accept header asks for a meta.k8s.io Table. */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => /as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}

export function toTable(
  kind: string,
  objects: readonly KubeObject[],
  options: {
    includeObject: IncludeObject;
    resourceVersion: string;
    continueToken?: string;
    withColumns?: boolean;
    now: number;
  },
): Record<string, unknown> {
  const printer = printerFor(kind);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      resourceVersion: options.resourceVersion,
      ...(options.continueToken ? { continue: options.continueToken } : {}),
    },
    columnDefinitions:
      options.withColumns === false
        ? []
        : printer.columns.map((c) => ({
            name: c.name,
            type: c.type,
            format: c.format ?? '',
            description: '',
            priority: c.priority ?? 0,
          })),
    rows: objects.map((o) => ({
      cells: printer.cells(o, options.now),
      object:
        options.includeObject === 'Object'
          ? o
          : options.includeObject === 'Metadata'
            ? { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata }
            : undefined,
    })),
  };
}
