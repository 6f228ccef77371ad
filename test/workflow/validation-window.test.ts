// How long a change is watched: per kind of operation, per tier, else the default; a policy of
// before `validation` keeps its one window. And the retention period's floor.
import { describe, expect, it } from 'vitest';
import type { Tier } from '../../src/audit/types.js';
import { DEFAULT_POLICY, PolicyError, validationWindow, weakenings } from '../../src/workflow/policy.js';
import { parsePolicy } from '../../src/workflow/policy-file.js';
import type { OperationKind } from '../../src/model/operation.js';

const perTierAndKind = parsePolicy(
  [
    'validation:',
    '  default_seconds: 90',
    '  tiers: {medium: 600, critical: 1200}',
    '  kinds: {scale: 120, rollout-restart: 30}',
  ].join('\n'),
);
const legacy = parsePolicy('validation_window_seconds: 45\n');

describe('validationWindow(operation, tier, policy)', () => {
  it.each<[string, OperationKind, Tier, typeof DEFAULT_POLICY, number]>([
    // The plan's defaults: an hour after a resource change, five minutes after scaling.
    ['built-in: set-resources', 'set-resources', 'medium', DEFAULT_POLICY, 3600],
    ['built-in: scale (low)', 'scale', 'low', DEFAULT_POLICY, 300],
    ['built-in: scale (medium)', 'scale', 'medium', DEFAULT_POLICY, 300],
    ['built-in: create-hpa', 'create-hpa', 'medium', DEFAULT_POLICY, 300],
    ['built-in: anything else', 'delete-pod', 'trivial', DEFAULT_POLICY, 60],
    ['built-in: a critical drain', 'drain', 'critical', DEFAULT_POLICY, 60],
    // A file's kinds win over its tiers, its tiers over its default; built-in kinds stay under it.
    ['file: its kind', 'scale', 'medium', perTierAndKind, 120],
    ['file: its kind, trivial', 'rollout-restart', 'trivial', perTierAndKind, 30],
    ['file: the built-in kind it did not override', 'set-resources', 'medium', perTierAndKind, 3600],
    ['file: its tier', 'set-image', 'medium', perTierAndKind, 600],
    ['file: its critical tier', 'apply', 'critical', perTierAndKind, 1200],
    ['file: its default', 'delete-pod', 'trivial', perTierAndKind, 90],
    // A file of before `validation`: one window for every change, as it meant.
    ['legacy: set-resources', 'set-resources', 'medium', legacy, 45],
    ['legacy: scale', 'scale', 'low', legacy, 45],
    ['legacy: drain', 'drain', 'critical', legacy, 45],
  ])('%s → %i s', (_, kind, tier, policy, seconds) => {
    expect(validationWindow({ kind }, tier, policy)).toBe(seconds * 1000);
  });

  it('an object property name is not a kind (no prototype lookups)', () => {
    expect(validationWindow({ kind: 'constructor' as OperationKind }, 'low', DEFAULT_POLICY)).toBe(60_000);
  });
});

describe('the validation block in a policy file', () => {
  it.each([
    [
      'validation_window_seconds: 30\nvalidation:\n  default_seconds: 60\n',
      /^policy\.yaml:1: validation_window_seconds and validation cannot both be set \(validation\.default_seconds replaces it\)$/,
    ],
    [
      'validation:\n  kinds: {set-resource: 3600}\n',
      /^policy\.yaml:2: validation\.kinds\.set-resource is not a kind of operation/,
    ],
    ['validation:\n  kinds: {scale: 0}\n', /^policy\.yaml:2: validation\.kinds\.scale /],
    ['validation:\n  tiers: {urgent: 10}\n', /^policy\.yaml:2: validation\.tiers .*urgent/],
    ['validation:\n  default_seconds: soon\n', /^policy\.yaml:2: validation\.default_seconds /],
  ])('a bad one is one error naming the line: %j', (text, message) => {
    expect(() => parsePolicy(text)).toThrow(PolicyError);
    expect(() => parsePolicy(text)).toThrow(message);
  });
});

describe('retention_days', () => {
  it('defaults to a year', () => {
    expect(DEFAULT_POLICY.retention_days).toBe(365);
    expect(parsePolicy('retention_days: 730\n').retention_days).toBe(730);
  });

  it('below a year is a weakening: an unsigned policy that shortens it is refused in one line', () => {
    expect(() => parsePolicy('retention_days: 30\n')).toThrow(
      /^policy\.yaml:1: retention_days 30 is below the built-in minimum 365; a weaker policy needs the signatures of two allowed signers/,
    );
  });

  it('two co-signers may shorten it (as for any floor)', () => {
    const policy = parsePolicy('retention_days: 30\n', 'policy.yaml', () => ['alice', 'bob']);
    expect(policy.retention_days).toBe(30);
    expect(weakenings(policy).map((w) => w.path)).toEqual([['retention_days']]);
  });
});
