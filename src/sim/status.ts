// metav1.Status: the one shape every API error takes, so kubectl and client-node print the
// server's message rather than a parse error.
import { StoreError } from './store.js';

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  code: number;
  details?: Record<string, unknown>;
}

export function failure(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
    details,
  };
}

export const badRequest = (message: string): Status => failure(400, 'BadRequest', message);
export const notFoundPath = (path: string): Status =>
  failure(404, 'NotFound', `the server could not find the requested resource (${path})`);
export const methodNotAllowed = (message: string): Status => failure(405, 'MethodNotAllowed', message);

/** Any thrown value as a Status: store errors keep their code, anything else is a 500. */
export function statusOf(error: unknown): Status {
  if (error instanceof StoreError) return failure(error.code, error.reason, error.message, error.details);
  if (error instanceof HttpError) return error.status;
  const message = error instanceof Error ? error.message : String(error);
  return failure(500, 'InternalError', `Internal error occurred: ${message}`);
}

/** Thrown by request handlers to answer with a given Status. */
export class HttpError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
}

export function fail(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): never {
  throw new HttpError(failure(code, reason, message, details));
}
