// The simulated container registry and what each kind of image writes to its log.
import { imageTag } from './defaults.js';

/**
 * An image the registry does not have: a tag of `missing`, `doesnotexist`, `does-not-exist` or
 * `0.0.0`, a repository named `does-not-exist`, or a registry host ending in `.invalid`.
 */
export function imageExists(image: string): boolean {
  const tag = imageTag(image) ?? 'latest';
  if (/^(missing|doesnotexist|does-not-exist|0\.0\.0)$/.test(tag)) return false;
  if (/(^|\/)does-not-exist(:|@|$)/.test(image)) return false;
  const host = image.includes('/') ? image.split('/')[0]! : '';
  return !host.endsWith('.invalid');
}

export function pullError(image: string): string {
  const host = image.includes('/') && image.split('/')[0]!.includes('.') ? image.split('/')[0]! : 'docker.io';
  return `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${host}/${image.split('/').slice(-1)[0]}: not found`;
}

type Flavour = 'next' | 'fastapi' | 'generic';

function flavourOf(image: string): Flavour {
  if (/front|next|web/.test(image)) return 'next';
  if (/back|api|fastapi|uvicorn/.test(image)) return 'fastapi';
  return 'generic';
}

export function startupLines(image: string, port: number | undefined): string[] {
  switch (flavourOf(image)) {
    case 'next':
      return [
        '  ▲ Next.js 14.2.5',
        `  - Local:        http://localhost:${port ?? 3000}`,
        '',
        ' ✓ Starting...',
        ' ✓ Ready in 812ms',
      ];
    case 'fastapi':
      return [
        'INFO:     Started server process [1]',
        'INFO:     Waiting for application startup.',
        'INFO:     Application startup complete.',
        `INFO:     Uvicorn running on http://0.0.0.0:${port ?? 8000} (Press CTRL+C to quit)`,
      ];
    default:
      return [`starting ${image}`];
  }
}

export function accessLine(image: string, n: number): string {
  switch (flavourOf(image)) {
    case 'next':
      return ` GET /${n % 3 === 0 ? 'api/todos' : ''} 200 in ${20 + (n % 40)}ms`;
    case 'fastapi':
      return `INFO:     10.244.0.1:${40000 + (n % 2000)} - "GET /${n % 4 === 0 ? 'healthz' : 'api/todos'} HTTP/1.1" 200 OK`;
    default:
      return `request ${n} served`;
  }
}

export function crashLines(image: string, exitCode: number): string[] {
  if (flavourOf(image) === 'fastapi') {
    return [
      'ERROR:    Traceback (most recent call last):',
      '  File "/app/main.py", line 42, in startup',
      '    await database.connect()',
      'sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "postgres" (10.96.0.20), port 5432 failed: Connection refused',
      'ERROR:    Application startup failed. Exiting.',
    ];
  }
  return [`fatal: process exited with status ${exitCode}`];
}
