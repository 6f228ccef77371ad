// `aiops-tui sim`: the simulator as a standalone server for kubectl, helm and the cockpit.
import { resolve } from 'node:path';
import { CliError } from '../cli/errors.js';
import { command, parseCommandLine } from '../cli/usage.js';
import { startSimulator } from './index.js';

export const SIM = command({
  forms: ['sim'],
  summary:
    'aiops-tui sim — the embedded Kubernetes API simulator on loopback, with a kubeconfig for kubectl, helm and the cockpit. Runs until interrupted.',
  options: {
    port: { type: 'string', default: '0' },
    scenario: { type: 'string', default: 'todo' },
    speed: { type: 'string', default: '1' },
    'kubeconfig-out': { type: 'string' },
    churn: { type: 'string', default: '0' },
  },
  help: {
    port: ['N', 'the port to listen on (0: any free one)'],
    scenario: ['todo|empty|large:N', 'what the cluster holds at start'],
    speed: ['X', 'simulated seconds per second'],
    'kubeconfig-out': ['FILE', 'where to write the kubeconfig (default: a private temporary file)'],
    churn: ['N', 'pod changes a second the simulator makes itself (a label rewrite; 0: none)'],
  },
});

export async function main(argv: string[]): Promise<number> {
  const { values, help } = parseCommandLine(SIM, argv);
  if (help) {
    process.stdout.write(help);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port must be a port number, got "${values.port}"`);
  const speed = Number(values.speed);
  if (!(speed > 0)) throw new CliError(`--speed must be a positive number, got "${values.speed}"`);
  const churn = Number(values.churn);
  if (!(churn >= 0) || !Number.isFinite(churn))
    throw new CliError(`--churn must be a number of pod events a second, 0 or more, got "${values.churn}"`);
  let sim;
  try {
    sim = await startSimulator({
      port,
      scenario: values.scenario,
      speed,
      churn,
      kubeconfigOut: values['kubeconfig-out'] && resolve(values['kubeconfig-out']),
    });
  } catch (error) {
    throw new CliError((error as Error).message.split('\n')[0]!);
  }
  process.stdout.write(
    `simulator listening on ${sim.url} (scenario ${values.scenario}, speed ${speed}x${churn ? `, churn ${churn} pod events/s` : ''})\n` +
      `kubeconfig: ${sim.kubeconfigPath}\n` +
      `try: kubectl --kubeconfig ${sim.kubeconfigPath} get pods -A\n`,
  );
  await new Promise<void>((done) => {
    const stop = (): void => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sim.close();
  return 0;
}
