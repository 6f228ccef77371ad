// The pure parts of `e`: which editor argv an environment gives, and what an edited text amounts to.
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { editable, editableYaml, editorCommand, mergePatch, readEdit } from '../../src/workflow/edit.js';

describe('editorCommand', () => {
  it.each([
    [{}, { argv: ['vi'] }],
    [{ EDITOR: 'nano' }, { argv: ['nano'] }],
    [{ EDITOR: 'nano', VISUAL: 'code --wait' }, { argv: ['code', '--wait'] }],
    [{ EDITOR: "'/opt/my editor/bin/ed' -s" }, { argv: ['/opt/my editor/bin/ed', '-s'] }],
    [{ EDITOR: '   ', VISUAL: '' }, { argv: ['vi'] }],
    [{ EDITOR: 'vi; rm -rf ~' }, /^EDITOR="vi; rm -rf ~" needs a shell/],
    [{ EDITOR: 'vi | tee x' }, /needs a shell/],
    [{ EDITOR: 'vi `id`' }, /needs a shell/],
    [{ EDITOR: 'vi $(id)' }, /needs a shell/],
    [{ EDITOR: 'vi > /tmp/x' }, /needs a shell/],
    [{ EDITOR: "vi 'unterminated" }, /^EDITOR cannot be read: an unterminated single quote$/],
  ])('%j', (env, expected) => {
    const got = editorCommand(env);
    if (expected instanceof RegExp) expect('error' in got && got.error).toMatch(expected);
    else expect(got).toEqual(expected);
  });
});

const live = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'shop',
    uid: 'u-1',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2026-01-01T00:00:00Z',
    managedFields: [{ manager: 'helm' }],
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    labels: { app: 'web' },
  },
  spec: { replicas: 2 },
  status: { readyReplicas: 2 },
} as unknown as KubernetesObject;
const shown = editableYaml(live);

describe('readEdit', () => {
  it('shows no server noise', () => {
    expect(editable(live)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
      spec: { replicas: 2 },
    });
    expect(shown).not.toMatch(/uid|resourceVersion|managedFields|status|last-applied/);
  });

  it.each([
    ['unchanged', shown, 'cancelled'],
    ['comments only changed', `# mine\n${shown}`, 'cancelled'],
    ['empty', '', 'cancelled'],
    ['only comments', '# nothing\n#\n', 'cancelled'],
    ['replicas changed', shown.replace('replicas: 2', 'replicas: 5'), 'changed'],
    ['invalid', `${shown}spec: [\n`, 'invalid'],
    ['a scalar', 'just words\n', 'invalid'],
    ['renamed', shown.replace('name: web', 'name: web2'), 'refused'],
    ['moved', shown.replace('namespace: shop', 'namespace: prod'), 'refused'],
    ['namespace removed', shown.replace('  namespace: shop\n', ''), 'refused'],
    ['kind changed', shown.replace('kind: Deployment', 'kind: StatefulSet'), 'refused'],
    ['two documents', `${shown.replace('replicas: 2', 'replicas: 5')}---\nkind: Secret\n`, 'refused'],
  ])('%s → %s', (_, text, kind) => {
    expect(readEdit(live, text).kind).toBe(kind);
  });

  it('an invalid file names its line', () => {
    expect(readEdit(live, 'a: 1\nb: [\nc: 2\n')).toMatchObject({ kind: 'invalid', line: expect.any(Number) });
  });
});

describe('mergePatch: what an edit sends', () => {
  it.each([
    ['equal', { a: 1, b: { c: 2 } }, { a: 1, b: { c: 2 } }, undefined],
    ['a changed value', { a: 1 }, { a: 2 }, { a: 2 }],
    ['a removed key is null', { a: 1, b: 2 }, { a: 1 }, { b: null }],
    ['an added key', { a: 1 }, { a: 1, b: { c: 3 } }, { b: { c: 3 } }],
    ['nested: only the changed leaf', { m: { x: 1, y: 2 } }, { m: { x: 1, y: 3 } }, { m: { y: 3 } }],
    ['a list is sent whole', { l: [1, 2, 3] }, { l: [1, 3] }, { l: [1, 3] }],
    ['an unchanged list is not sent', { l: [{ n: 1 }] }, { l: [{ n: 1 }] }, undefined],
    ['a map that became a value', { m: { x: 1 } }, { m: 'x' }, { m: 'x' }],
  ])('%s', (_, before, after, patch) => {
    expect(mergePatch(before, after)).toEqual(patch);
  });
});
