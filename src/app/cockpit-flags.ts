// The cockpit's flags and their help: kept apart from launch.tsx so `aiops-tui --help` and
// `--version` read them without loading the UI.
import {
  AI_HELP,
  AI_OPTIONS,
  CLUSTER_HELP,
  CLUSTER_OPTIONS,
  IDENTITY_HELP,
  IDENTITY_OPTIONS,
  TRAIL_HELP,
  TRAIL_OPTIONS,
  command,
} from '../cli/usage.js';

export const COCKPIT = command({
  forms: [''],
  summary:
    'aiops-tui — a terminal cockpit for AI-assisted Kubernetes operations (pods, metrics, findings, chat, approvals)',
  options: {
    ...CLUSTER_OPTIONS,
    'metrics-interval': { type: 'string' },
    ...TRAIL_OPTIONS,
    ...IDENTITY_OPTIONS,
    'read-only': { type: 'boolean' },
    ...AI_OPTIONS,
    'kagent-url': { type: 'string' },
    'kagent-agent': { type: 'string', default: 'kagent/k8s-agent' },
    demo: { type: 'boolean' },
    speed: { type: 'string' },
    'no-color': { type: 'boolean' },
    version: { type: 'boolean', short: 'v' },
  },
  help: {
    ...CLUSTER_HELP,
    'metrics-interval': [
      'DURATION',
      'how often metrics.k8s.io is read (default 15s; in the demo 15s of simulated time)',
    ],
    ...TRAIL_HELP,
    ...IDENTITY_HELP,
    'read-only': 'show recommendations but approve, reject or roll back none',
    ...AI_HELP,
    'kagent-url': [
      'URL',
      "kagent's A2A endpoint, asked for findings every 5 minutes (default: kagent's Service through the API server, when installed)",
    ],
    'kagent-agent': ['NS/NAME', 'the kagent agent to ask'],
    demo: 'start the embedded simulator (todo scenario) and show it',
    speed: ['X', 'the demo simulator’s simulated seconds per second (default 10)'],
    'no-color': 'no colours (as NO_COLOR=1)',
    version: 'print the version and exit',
  },
});
