// Errors a command reports to the user as one line and an exit code, never as a stack trace.
export class CliError extends Error {
  constructor(
    message: string,
    /** 2 for bad usage, a bad configuration or an unreachable cluster (as kubectl), 1 for a refused or failed operation. */
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? String(error);
  return String(error);
}
