// npm run bench:escalation — how soon a webhook escalation is delivered after its threshold
// (goal ≤ 2 s). The queue refreshes every second, as the cockpit's does; low recommendations with
// a 4 s window are proposed at random phases of that second; a loopback receiver notes when each
// body arrives. Measured: arrival − the threshold (half the window), and arrival − the window's
// close for the final escalation of the expiry.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { scaleOp } from '../src/workflow/proposed-operations.js';
import { armor } from '../src/audit/sshsig.js';
import { startSimulator } from '../src/sim/index.js';
import { createWorkflow } from '../src/workflow/setup.js';
import { loadTrust } from '../src/workflow/trust.js';
import { makeTeam } from '../test/audit/identities.js';
import { startReceiver } from '../test/workflow/webhook-receiver.js';

const RUNS = Number(process.env.RUNS ?? 20);
const REFRESH_MS = 1_000; // the cockpit's queue refresh (src/ui/launch.tsx)

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const summary = (values: number[]) =>
  `p50 ${Math.round(percentile(values, 50))} ms, p95 ${Math.round(percentile(values, 95))} ms, max ${Math.round(Math.max(...values))} ms (n=${values.length})`;

const sim = await startSimulator({ scenario: 'todo', speed: 1 });
const receiver = await startReceiver();
const team = makeTeam(['alice', 'bob']);
const policyPath = join(mkdtempSync(join(tmpdir(), 'bench-esc-')), 'policy.yaml');
const text = [
  'tiers:',
  '  low: {approvers: 1, window_minutes: 0.0667}',
  'rules: [{kinds: [scale], tier: low}]',
  'escalation:',
  '  at_window_share: 0.5',
  '  terminal: false',
  '  webhooks:',
  `    - {name: ops, url: "${receiver.url}", format: alertmanager, secret_env: BENCH_HOOK_KEY}`,
  '',
].join('\n');
process.env.BENCH_HOOK_KEY = 'bench-key';
writeFileSync(policyPath, text);
writeFileSync(
  `${policyPath}.sig`,
  armor(await team.signer('alice').sign(text)) + armor(await team.signer('bob').sign(text)),
);
const trust = await loadTrust({
  policyPath,
  signingKey: team.keyPath('alice'),
  allowedSignersPath: team.allowedSignersPath,
});
const kc = new KubeConfig();
kc.loadFromFile(sim.kubeconfigPath);
const queue = createWorkflow({
  kubeConfig: kc,
  historyDir: mkdtempSync(join(tmpdir(), 'bench-esc-trail-')),
  policy: trust.policy,
  signer: trust.signer,
  allowedSigners: trust.allowed,
  gitCommit: false,
});
const timer = setInterval(() => void queue.refresh().catch(() => {}), REFRESH_MS);

const records: { id: string; threshold: number; closes: number }[] = [];
const names = ['frontend', 'backend'];
for (let i = 0; i < RUNS; i++) {
  // Each proposal a distinct change (the same one would join the waiting record).
  const meta = await queue.propose({
    operation: scaleOp({ kind: 'Deployment', namespace: 'todo', name: names[i % 2]! }, 3 + i),
    source: 'bench',
    evidence: [],
  });
  const created = Date.parse(meta.created);
  const closes = Date.parse(meta.expires!);
  records.push({ id: meta.id, threshold: created + 0.5 * (closes - created), closes });
  await new Promise((resolve) => setTimeout(resolve, Math.random() * REFRESH_MS));
}
const deadline = Date.now() + 60_000;
while (receiver.received.length < 2 * RUNS && Date.now() < deadline)
  await new Promise((resolve) => setTimeout(resolve, 50));
clearInterval(timer);
await queue.idle();

const share: number[] = [];
const expiry: number[] = [];
for (const got of receiver.received) {
  const [alert] = JSON.parse(got.body) as { labels: { record: string; threshold: string } }[];
  const r = records.find((x) => x.id === alert!.labels.record)!;
  if (alert!.labels.threshold === 'expired') expiry.push(got.at - r.closes);
  else share.push(got.at - r.threshold);
}
console.log(
  `webhook escalation, threshold → delivered (half the window): ${summary(share)}   goal ≤ 2,000 ms`,
);
console.log(`webhook escalation, window closed → final escalation delivered: ${summary(expiry)}`);
await receiver.close();
await sim.close();
