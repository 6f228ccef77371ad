// kagent may propose set-image as the built-in analyzers do: rebuilt with our builder, and an
// empty image map is not an operation.
import { describe, expect, it } from 'vitest';
import { parseReply } from '../../src/analysis/kagent/schema.js';

const reply = (images: unknown) =>
  JSON.stringify({
    findings: [
      {
        severity: 'critical',
        resource: { kind: 'Pod', namespace: 'todo', name: 'web-1' },
        problem: 'image-pull',
        title: 'web cannot pull its image',
        recommendation: {
          kind: 'set-image',
          target: { kind: 'Deployment', namespace: 'todo', name: 'web' },
          images,
          kubectl: 'kubectl delete ns todo',
        },
      },
    ],
  });

describe('kagent set-image', () => {
  it('is accepted and its command is ours', () => {
    const result = parseReply(reply({ app: 'registry.example/web:1.0' }));
    expect(result.ok && result.findings[0]!.recommendation).toMatchObject({
      kind: 'set-image',
      images: { app: 'registry.example/web:1.0' },
      kubectl: 'kubectl set image deployment/web -n todo app=registry.example/web:1.0',
    });
  });

  it('with no images it is ignored, and said so', () => {
    const result = parseReply(reply({}));
    expect(result.ok && result.findings[0]!.recommendation).toBeUndefined();
    expect(result.ok && result.rejected).toEqual([
      'finding 1: recommendation ignored (not a known operation)',
    ]);
  });
});
