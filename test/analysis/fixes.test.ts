import { describe, expect, it } from 'vitest';
import { fixFor, type FaultFacts, type FixKind } from '../../src/analysis/fixes.js';

describe('what fix for what cause', () => {
  it.each<[FaultFacts, FixKind]>([
    [{ cause: 'image', regression: { onlyImages: true } }, 'set-image'],
    [{ cause: 'image', regression: { onlyImages: false } }, 'rollout-undo'],
    [{ cause: 'image', replaceable: true }, 'none'],
    [{ cause: 'command', regression: { onlyImages: true } }, 'set-image'],
    [{ cause: 'command', regression: { onlyImages: false } }, 'rollout-undo'],
    // A crash loop whose cause is in the template: a fresh pod fails the same way.
    [{ cause: 'command', replaceable: true }, 'none'],
    [{ cause: 'stuck-rollout', regression: { onlyImages: false } }, 'rollout-undo'],
    [{ cause: 'probe-port', servedPort: true }, 'patch'],
    [{ cause: 'probe-port', servedPort: true, regression: { onlyImages: false } }, 'patch'],
    [{ cause: 'probe-port', regression: { onlyImages: false } }, 'rollout-undo'],
    [{ cause: 'probe-port', replaceable: true }, 'none'],
    [{ cause: 'probe-path', regression: { onlyImages: false } }, 'rollout-undo'],
    // The new image no longer serves the probe's path: the image that served it.
    [{ cause: 'probe-path', regression: { onlyImages: true } }, 'set-image'],
    [{ cause: 'probe-path', replaceable: true }, 'none'],
    [{ cause: 'scheduling', replaceable: true }, 'none'],
    [{ cause: 'transient', replaceable: true }, 'delete-pod'],
    [{ cause: 'transient' }, 'none'],
  ])('%j → %s', (facts, fix) => {
    expect(fixFor(facts)).toBe(fix);
  });
});
