import { describe, expect, it } from 'vitest';
import { extractCommands, parseCommand } from '../../src/assistants/command-parser.js';
import { splitWords } from '../../src/assistants/shell-words.js';

const mutating = (text: string) => {
  const parsed = parseCommand(text);
  if (parsed.kind !== 'mutating') throw new Error(`${text} → ${parsed.kind}`);
  return parsed.operation;
};

describe('read-only commands are never recommendations', () => {
  it.each([
    'kubectl get pods -A',
    'kubectl -n todo get pods -o wide',
    'kubectl describe pod backend-abc -n todo',
    'kubectl logs deploy/backend -n todo --previous --tail=50',
    'kubectl top pods -n todo',
    'kubectl rollout status deployment/frontend -n todo',
    'kubectl rollout history deployment/frontend',
    'kubectl get events --field-selector involvedObject.name=backend',
    'kubectl auth can-i delete pods',
    'kubectl config current-context',
    'kubectl scale deploy/frontend --replicas=3 --dry-run=client',
    'kubectl delete pod x --dry-run=server',
    'helm list -n todo',
    'helm history todo -n todo',
    'helm template todo ./helm/todo-chart',
    '$ kubectl get nodes',
  ])('%s', (text) => {
    expect(parseCommand(text).kind).toBe('read-only');
  });
});

describe('mutating commands become structured operations', () => {
  it('scale, with flags before or after positionals, = or space, type/name or type name', () => {
    for (const text of [
      'kubectl scale deployment/frontend --replicas=2 -n todo',
      'kubectl -n todo scale --replicas 2 deployment frontend',
      'kubectl scale deploy frontend --namespace=todo --replicas=2',
      'kubectl --namespace todo scale deployments.apps/frontend --replicas=2',
    ]) {
      expect(mutating(text)).toMatchObject({
        kind: 'scale',
        replicas: 2,
        target: { kind: 'Deployment', namespace: 'todo', name: 'frontend' },
      });
    }
    expect(mutating('kubectl scale deployment/frontend --replicas=2 -n todo').summary).toBe(
      'scale deployment todo/frontend to 2 replicas',
    );
  });

  it('set resources and set image', () => {
    expect(
      mutating(
        'kubectl set resources deployment/backend -n todo -c backend --requests=cpu=100m,memory=128Mi --limits=memory=512Mi',
      ),
    ).toMatchObject({
      kind: 'set-resources',
      container: 'backend',
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { memory: '512Mi' },
    });
    expect(
      mutating('kubectl set image deploy/frontend frontend=ghcr.io/example/todo-frontend:1.5.0 -n todo'),
    ).toMatchObject({ kind: 'set-image', images: { frontend: 'ghcr.io/example/todo-frontend:1.5.0' } });
  });

  it.each([
    ['kubectl rollout restart deployment/backend -n todo', 'rollout-restart'],
    ['kubectl rollout undo deployment/backend -n todo --to-revision=2', 'rollout-undo'],
    ['kubectl rollout pause deploy/backend', 'rollout-pause'],
    ['kubectl rollout resume deploy/backend', 'rollout-resume'],
    ['kubectl autoscale deployment backend --min=2 --max=5 --cpu-percent=70 -n todo', 'create-hpa'],
    ['kubectl autoscale deployment backend --max=5 --cpu=60%', 'create-hpa'],
    ['kubectl delete pod backend-abc12-x1 -n todo', 'delete-pod'],
    ['kubectl delete po/backend-abc12-x1', 'delete-pod'],
    ['kubectl delete deployment backend -n todo', 'delete'],
    ['kubectl delete namespace todo', 'delete'],
    ['kubectl patch deployment backend -n todo --type=merge -p \'{"spec":{"replicas":3}}\'', 'patch'],
    ['kubectl apply -f manifests/backend.yaml', 'apply'],
    ['kubectl label deploy backend tier=api -n todo', 'label'],
    ['kubectl annotate deploy backend owner- -n todo', 'annotate'],
    ['kubectl cordon minikube', 'cordon'],
    ['kubectl drain node/minikube --ignore-daemonsets', 'drain'],
    ['kubectl edit deployment backend', 'generic'],
    ['kubectl exec -it backend-abc -- sh', 'generic'],
    ['kubectl config use-context prod', 'generic'],
    ['kubectl auth reconcile -f rbac.yaml', 'generic'],
    ['kubectl create deployment web --image=nginx', 'generic'],
    ['kubectl set env deploy/backend LOG_LEVEL=debug', 'generic'],
    ['kubectl scale deployment/frontend', 'generic'],
    ['helm rollback todo 3 -n todo', 'helm-rollback'],
    ['helm upgrade todo ./helm/todo-chart -n todo --set frontend.replicas=2', 'helm-upgrade'],
    ['helm uninstall todo', 'generic'],
  ])('%s → %s', (text, kind) => {
    expect(mutating(text).kind).toBe(kind);
  });

  it('keeps the equivalent command, quoted so it can be pasted back', () => {
    expect(mutating(`kubectl patch deploy backend --type merge -p '{"spec":{"replicas":3}}'`).kubectl).toBe(
      `kubectl patch deploy backend --type merge -p '{"spec":{"replicas":3}}'`,
    );
  });

  it('line continuations, quotes and comments', () => {
    expect(mutating('kubectl scale \\\n  deployment/frontend \\\n  --replicas=4 # more').kind).toBe('scale');
    expect(splitWords(`echo "a b" 'c d' e\\ f`)).toEqual({
      words: ['echo', 'a b', 'c d', 'e f'],
      compound: false,
    });
  });

  it('pipes, lists and substitutions are not one command: never read-only, never executed as one', () => {
    for (const text of [
      'kubectl get pods | grep backend',
      'kubectl get pods && kubectl delete pod x',
      'kubectl delete pod $(kubectl get pods -o name)',
      'kubectl get pods; rm -rf /',
    ]) {
      expect(parseCommand(text).kind).toBe('unparseable');
    }
    expect(parseCommand('kubectl get pods "unterminated').kind).toBe('unparseable');
    expect(parseCommand('ls -la').kind).toBe('not-kubectl');
  });
});

describe('commands in an answer', () => {
  it('are found in code blocks, prompts, kubectl-ai proposal lines and inline code', () => {
    const answer = [
      'The backend is crash-looping. Try:',
      '```sh',
      'kubectl rollout restart \\',
      '  deployment/backend -n todo',
      '```',
      '$ kubectl get pods -n todo',
      '* kubectl scale deployment/frontend --replicas=2 -n todo',
      'or run `helm rollback todo 1 -n todo` if it persists.',
    ].join('\n');
    expect(extractCommands(answer)).toEqual([
      'kubectl rollout restart    deployment/backend -n todo',
      'kubectl get pods -n todo',
      'kubectl scale deployment/frontend --replicas=2 -n todo',
      'helm rollback todo 1 -n todo',
    ]);
  });
});

describe('fuzz: the parser never throws and never calls a mutating verb read-only', () => {
  const MUTATING_VERBS = [
    'scale',
    'delete',
    'apply',
    'patch',
    'edit',
    'create',
    'replace',
    'set',
    'label',
    'annotate',
    'autoscale',
    'drain',
    'cordon',
    'uncordon',
    'exec',
    'cp',
    'run',
    'expose',
    'taint',
    'debug',
    'attach',
  ];
  const TOKENS = [
    '-n',
    'todo',
    '--namespace=todo',
    '-A',
    'deployment/frontend',
    'pod',
    'x',
    '--replicas=2',
    '--replicas',
    '3',
    '-o',
    'yaml',
    '--context',
    'prod',
    '"quoted word"',
    "'single'",
    '\\',
    '|',
    '&&',
    ';',
    '$(',
    ')',
    '`',
    '#',
    '--',
    '-p',
    '{"a":1}',
    '--type=json',
    '-c',
    'backend',
    '=',
    '--force',
    '-f',
    'x.yaml',
    ' ',
    '\n',
    'get',
    'rollout',
    'restart',
    'undo',
    'status',
  ];
  let seed = 7;
  const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;

  it('over 5,000 random token sequences', () => {
    for (let i = 0; i < 5000; i++) {
      const text = ['kubectl', ...Array.from({ length: Math.floor(random() * 8) }, () => pick(TOKENS))].join(
        ' ',
      );
      expect(() => parseCommand(text)).not.toThrow();
    }
  });

  it('over 5,000 mutations of mutating commands: a mutating verb is never read-only', () => {
    for (let i = 0; i < 5000; i++) {
      const verb = pick(MUTATING_VERBS);
      const before = Array.from({ length: Math.floor(random() * 3) }, () =>
        pick(['-n', 'todo', '--context=prod', '-A', '--kubeconfig', '/k']),
      );
      const after = Array.from({ length: Math.floor(random() * 5) }, () =>
        pick(TOKENS.filter((t) => !t.startsWith('--dry-run'))),
      );
      const words = ['kubectl', ...before, verb, ...after];
      const parsed = parseCommand(words.join(' '));
      // The verb may have been eaten as a flag value of a preceding value flag; then it is not the verb.
      const verbIsVerb = !['-n', '--kubeconfig'].includes(before.at(-1) ?? '');
      if (verbIsVerb) expect(parsed.kind, words.join(' ')).not.toBe('read-only');
    }
  });
});
