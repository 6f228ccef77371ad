// Name normalization: one person under another spelling is the same principal; a name that
// hides characters is refused.
import { describe, expect, it } from 'vitest';
import { normalizePrincipal, principalKey } from '../../src/audit/names.js';

describe('principal names', () => {
  it.each([
    ['alice', 'alice'],
    ['  Alice ', 'alice'],
    ['ALICE', 'alice'],
    ['ａｌｉｃｅ', 'alice'], // fullwidth: NFKC
    ['аре', 'ape'], // all-Cyrillic look-alike collides through the skeleton
    ['alicé', 'alice'],
  ])('%j compares equal to %j', (raw, same) => {
    expect(principalKey(raw)).toBe(principalKey(same));
  });

  it.each([
    ['al\u200bice', 'contains an invisible or control character'],
    ['alice\u0007', 'contains an invisible or control character'],
    ['\u202ealice', 'contains an invisible or control character'],
    ['ali\ufe0fce', 'contains an invisible or control character'],
    ['ali\u034fce', 'contains an invisible or control character'],
    ['аlice', 'mixes Latin and Cyrillic letters'],
    ['', 'is empty'],
    ['al ice', 'contains white space'],
    ['a'.repeat(65), 'is longer than 64 characters'],
    ['alice;rm', 'may hold only letters, digits and . _ @ + -'],
  ])('%j is refused: %s', (raw, reason) => {
    expect(normalizePrincipal(raw)).toEqual({ ok: false, reason });
  });

  it('different people stay different', () => {
    expect(principalKey('alice')).not.toBe(principalKey('bob'));
    expect(principalKey('ops.team@example.com')).toBe('ops.team@example.com');
  });
});
