import { describe, expect, it } from 'vitest';
import { extractCommands, parseCommand } from '../../src/workflow/command-parser.js';
import { splitWords } from '../../src/workflow/shell-words.js';

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

  it.each([
    [
      'kubectl patch ingress/todo -n todo --type=json -p \'[{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/port/number","value":80}]\'',
      'Ingress',
    ],
    ['kubectl patch ing todo -n todo --type=merge -p \'{"spec":{"ingressClassName":"nginx"}}\'', 'Ingress'],
    ['kubectl patch svc/web -n todo --type=merge -p \'{"spec":{"selector":{"app":"web"}}}\'', 'Service'],
    ['kubectl rollout restart sts/postgres -n todo', 'StatefulSet'],
  ])('%s targets a %s', (text, kind) => {
    expect(mutating(text).target.kind).toBe(kind);
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

describe('no flag the approver saw is dropped: a flag a structured kind does not model makes it generic', () => {
  const words = (text: string) => (splitWords(text) as { words: string[] }).words;
  it.each<[string, Record<string, unknown>]>([
    // Modelled flags: structured, with the flag in the operation.
    ['kubectl -n todo scale --replicas 2 deployment frontend', { kind: 'scale', replicas: 2 }],
    [
      'kubectl set resources deploy/backend --containers backend --limits=memory=1Gi',
      { kind: 'set-resources', container: 'backend', limits: { memory: '1Gi' } },
    ],
    ['kubectl annotate deploy backend note=a=b -n todo', { kind: 'annotate', changes: { note: 'a=b' } }],
    ['kubectl label deploy backend tier=api', { kind: 'label', overwrite: false }],
    ['kubectl label deploy backend tier=api --overwrite', { kind: 'label', overwrite: true }],
    [
      'kubectl drain n1 --ignore-daemonsets',
      { kind: 'drain', ignoreDaemonSets: true, deleteEmptyDirData: false, force: false },
    ],
    [
      'kubectl drain n1 --ignore-daemonsets --delete-emptydir-data --force',
      { kind: 'drain', ignoreDaemonSets: true, deleteEmptyDirData: true, force: true },
    ],
    ['kubectl rollout undo deploy/backend --to-revision=3', { kind: 'rollout-undo', toRevision: 3 }],
    // Run verbatim by the real tool: structured, and the argv is every word.
    [
      'kubectl apply -f x.yaml -n todo --server-side --prune -l app=x',
      {
        kind: 'apply',
        files: ['x.yaml'],
        argv: words('kubectl apply -f x.yaml -n todo --server-side --prune -l app=x'),
      },
    ],
    [
      'helm upgrade --install shop ./chart --set a=b -f values.yaml --version 1.2 -n shop',
      {
        kind: 'helm-upgrade',
        release: 'shop',
        chart: './chart',
        install: true,
        target: { kind: 'HelmRelease', namespace: 'shop', name: 'shop' },
        argv: words('helm upgrade --install shop ./chart --set a=b -f values.yaml --version 1.2 -n shop'),
      },
    ],
    [
      'helm upgrade -i shop ./chart --set-json x={} --set-file y=z',
      {
        kind: 'helm-upgrade',
        install: true,
        argv: words('helm upgrade -i shop ./chart --set-json x={} --set-file y=z'),
      },
    ],
    [
      'helm rollback shop 2 -n x --wait --cleanup-on-fail',
      {
        kind: 'helm-rollback',
        revision: 2,
        argv: words('helm rollback shop 2 -n x --wait --cleanup-on-fail'),
      },
    ],
    // Unmodelled flags or extra words: generic, with the whole command as its argv.
    ['kubectl scale deployment/frontend --replicas=2 --current-replicas=1', { kind: 'generic' }],
    ['kubectl scale deployment/frontend --replicas=2 -v=6', { kind: 'generic' }],
    ['kubectl scale deployment/frontend --replicas=2 --timeout=5s', { kind: 'generic' }],
    ['kubectl scale deployment/frontend deployment/backend --replicas=2', { kind: 'generic' }],
    ['kubectl autoscale deploy backend --max=5 --name=other', { kind: 'generic' }],
    ['kubectl rollout restart deployment/backend --selector app=x', { kind: 'generic' }],
    ['kubectl rollout undo deploy/backend --to-revision=x', { kind: 'generic' }],
    ['kubectl set resources deploy/backend --requests=cpu=1,ephemeral-storage=1Gi', { kind: 'generic' }],
    ['kubectl set resources deploy/backend --requests=cpu=1 --all', { kind: 'generic' }],
    ['kubectl set image deploy/frontend frontend=nginx:2 stray', { kind: 'generic' }],
    ['kubectl set image deploy/frontend frontend=nginx:2 --local -o yaml', { kind: 'generic' }],
    ['kubectl delete pod backend-x --grace-period=0 --force', { kind: 'generic' }],
    ['kubectl delete deployment backend --cascade=orphan', { kind: 'generic' }],
    ['kubectl delete deployment backend --ignore-not-found', { kind: 'generic' }],
    ['kubectl patch deploy backend -p {} --subresource=status', { kind: 'generic' }],
    ['kubectl patch deploy backend -p {} --field-manager=me', { kind: 'generic' }],
    ['kubectl label deploy backend tier=api --resource-version=5', { kind: 'generic' }],
    ['kubectl label deploy backend tier=api -l app=x', { kind: 'generic' }],
    ['kubectl label deploy backend tier=api --overwrite=false', { kind: 'generic' }],
    ['kubectl annotate deploy backend note=x --all', { kind: 'generic' }],
    ['kubectl cordon n1 n2', { kind: 'generic' }],
    ['kubectl cordon -l role=worker', { kind: 'generic' }],
    ['kubectl drain n1 --ignore-daemonsets --grace-period=0', { kind: 'generic' }],
    ['kubectl drain n1 --pod-selector app=x', { kind: 'generic' }],
    ['kubectl drain n1 --force=false', { kind: 'generic' }],
    ['kubectl apply -k overlays/prod', { kind: 'generic' }],
    ['helm rollback shop 2 3', { kind: 'generic' }],
    ['helm upgrade shop ./chart extra', { kind: 'generic' }],
  ])('%s', (text, expected) => {
    const op = mutating(text);
    expect(op).toMatchObject(expected);
    if (op.kind === 'generic') expect(op.argv).toEqual(words(text));
  });
});

describe('a command that picks its own cluster or credentials is refused, in one line', () => {
  const KUBECTL = [
    '--kubeconfig',
    '--context',
    '--server',
    '--token',
    '--as',
    '--as-group',
    '--as-uid',
    '--user',
    '--cluster',
    '--certificate-authority',
    '--client-certificate',
    '--client-key',
    '--insecure-skip-tls-verify',
    '--tls-server-name',
    '--username',
    '--password',
    '--kuberc',
  ];
  const HELM = [
    '--kubeconfig',
    '--kube-context',
    '--kube-token',
    '--kube-apiserver',
    '--kube-as-user',
    '--kube-as-group',
    '--kube-ca-file',
    '--kube-insecure-skip-tls-verify',
    '--kube-tls-server-name',
  ];
  const cases: [string, string][] = [
    ...KUBECTL.flatMap((f): [string, string][] => [
      [`kubectl scale deployment/frontend --replicas=2 ${f} x`, f],
      [`kubectl ${f}=x delete pod backend-x`, f],
      [`kubectl get pods ${f}=x`, f],
    ]),
    ...HELM.flatMap((f): [string, string][] => [
      [`helm upgrade shop ./chart ${f} x`, f],
      [`helm ${f}=x rollback shop 1`, f],
    ]),
    ['kubectl -s https://evil:6443 delete ns todo', '-s'],
    ['kubectl -s=https://evil:6443 delete ns todo', '-s'],
    ['kubectl -shttps://evil:6443 delete ns todo', '-s'],
    ['kubectl get pods -As https://evil:6443', '-s'],
    ['kubectl create deployment x --image=nginx --context prod -- sleep 1', '--context'],
    ['kubectl --insecure-skip-tls-verify delete ns todo', '--insecure-skip-tls-verify'],
    // A `--` that is a flag's value does not end kubectl's flags.
    ['kubectl -n -- --context prod delete pod x', '--context'],
    ['kubectl delete pod x --request-timeout -- --server https://evil', '--server'],
    ['kubectl exec backend-x -c -- -s https://evil -- sh', '-s'],
  ];
  it.each(cases)('%s → refused (%s)', (text, found) => {
    const parsed = parseCommand(text);
    expect(parsed.kind).toBe('refused');
    const reason = (parsed as { reason: string }).reason;
    expect(reason).toBe(
      `${found} picks its own cluster or credentials; approved changes run against the cockpit's own context`,
    );
    expect(reason).not.toContain('\n');
  });

  it.each([
    // After `--` the words belong to the container, not to kubectl.
    ['kubectl create deployment x --image=nginx -- app --context prod --token t', 'generic'],
    ['kubectl exec backend-x -n todo -- env -s', 'generic'],
    ['kubectl exec backend-x -it -- env --token t', 'generic'],
    ['kubectl exec backend-x --stdin -- env --token t', 'generic'],
    // A value shorthand's value, and helm's own -s-less flags, are not connection flags.
    ['kubectl label deploy backend -nkube-system tier=s', 'label'],
    ['kubectl delete pod -n system backend-x', 'delete-pod'],
    ['helm upgrade shop ./chart --set server=x,context=y', 'helm-upgrade'],
  ])('%s → not refused', (text, kind) => {
    expect(mutating(text).kind).toBe(kind);
  });
});
