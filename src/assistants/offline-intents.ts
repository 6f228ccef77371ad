// What a question to the offline assistant asks for, read the ways people ask it. A pure
// function with a table of cases (test/assistants/offline-intents.test.ts): the answers live
// in offline.ts. Anything not recognised is `unknown`; a request we recognise but cannot do
// offline is `unsupported`, so the answer can say so plainly instead of listing examples.

/** How a relative scale is asked: "up by 100 %", "down by half", "up by 2". */
export type ScaleChange = { to: number } | { factor: number } | { add: number };

export type Intent =
  | { kind: 'diagnose'; name?: string }
  | { kind: 'health' }
  | { kind: 'scale'; name: string; change: ScaleChange }
  | { kind: 'set-image'; name: string; image: string; zeroDowntime: boolean; container?: string }
  | { kind: 'create-hpa'; name: string; cpuPercent: number; min: number; max: number }
  | { kind: 'switch-service'; service?: string; to: string }
  | { kind: 'errors'; name: string }
  | { kind: 'restart'; name: string }
  | { kind: 'undo'; name: string }
  | { kind: 'resources'; name: string }
  | { kind: 'top' }
  | { kind: 'recent' }
  | { kind: 'unsupported'; what: string }
  | { kind: 'unknown' };

/** A Kubernetes object name as people write it: "the backend", "deployment/backend", "backend's". */
const NAME = String.raw`(?:the\s+)?(?:(?:deployment|deploy|statefulset|sts|daemonset|ds|pod|service|svc|app)[/\s]+)?([a-z0-9][a-z0-9.-]*?)(?:'s)?`;
const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

function count(word: string): number {
  return NUMBER_WORDS[word] ?? Number(word);
}

const WORD_OR_NUMBER = String.raw`(\d+|one|two|three|four|five|six|seven|eight|nine|ten)`;

/** Relative scale phrases, by direction. */
function scaleChange(direction: 'up' | 'down', amount: string): ScaleChange | undefined {
  const sign = direction === 'up' ? 1 : -1;
  let m: RegExpExecArray | null;
  if ((m = /^(\d+(?:\.\d+)?)\s*(?:%|percent)$/.exec(amount))) {
    const pct = Number(m[1]);
    return { factor: 1 + (sign * pct) / 100 };
  }
  if (/^(?:a\s+)?half$/.test(amount)) return { factor: direction === 'up' ? 1.5 : 0.5 };
  if (/^(?:a\s+)?(?:factor of\s+)?(?:2|two)(?:x| times)?$|^double$/.test(amount) && direction === 'up')
    return { factor: 2 };
  if ((m = new RegExp(`^${WORD_OR_NUMBER}(?:\\s+(?:replicas?|pods?|instances?))?$`).exec(amount)))
    return { add: sign * count(m[1]!) };
  return undefined;
}

/** Questions are matched lower-cased, with trailing punctuation and politeness dropped. */
function normalize(question: string): string {
  return question
    .trim()
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/^(?:please|can you|could you|would you|kindly|hey)\s+/g, '')
    .replace(/\s+(?:please|for me|now)$/g, '')
    .replace(/[?.!]+$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const UNSUPPORTED: readonly [RegExp, string][] = [
  [/^(?:exec|shell|ssh)\b|\bexec into\b/, 'open a shell in a container'],
  [/\bport[- ]forward/, 'port-forward'],
  [/^(?:install|uninstall|helm install)\b/, 'install or uninstall charts'],
  [
    /^(?:create|make|add)\s+(?:a\s+)?(?:new\s+)?(?:namespace|secret|configmap|user|role)/,
    'create that object',
  ],
  [/^(?:delete|remove)\s+(?:the\s+)?(?:namespace|node|cluster|pvc|volume)/, 'delete that object'],
  [/^(?:delete|remove|kill)\b/, 'delete objects (propose `kubectl delete …` in the queue instead)'],
  [/^(?:edit|apply)\b/, 'edit or apply manifests'],
];

export function parseQuestion(question: string): Intent {
  const q = normalize(question);
  let m: RegExpExecArray | null;

  if (
    (m = new RegExp(
      `^(?:what(?:'s| is) (?:wrong|going on|the (?:problem|matter|issue)) with|diagnose|debug|troubleshoot|check) ${NAME}$`,
    ).exec(q)) ||
    (m = new RegExp(
      `^why (?:is|are|does|do) ${NAME} (?:failing|crashing|not ready|broken|down|restarting|pending|not working|keep crashing|unhealthy)$`,
    ).exec(q)) ||
    (m = new RegExp(`^is ${NAME} (?:ok|okay|healthy|working|up|fine)$`).exec(q))
  ) {
    const name = m[1]!;
    if (!/^(?:the )?(?:cluster|everything|all|pods?|it)$/.test(name)) return { kind: 'diagnose', name };
  }
  if (
    /^(?:(?:check|look) (?:for )?(?:pod )?(?:failures|problems|errors|issues)|failing pods|what(?:'s| is) (?:failing|wrong|broken)|anything wrong|any problems)/.test(
      q,
    )
  )
    return { kind: 'diagnose' };
  if (/(?:cluster )?health|how is the cluster|is (?:the cluster|everything) (?:ok|okay|healthy|fine)/.test(q))
    return { kind: 'health' };

  // Scaling: "scale X to 3", "scale X up by 100 %", "scale X down by half", "double X".
  if ((m = new RegExp(`^scale ${NAME} to ${WORD_OR_NUMBER}(?: replicas?| pods?| instances?)?$`).exec(q)))
    return { kind: 'scale', name: m[1]!, change: { to: count(m[2]!) } };
  if ((m = new RegExp(`^scale ${NAME} (up|down) (?:by )?(.+)$`).exec(q))) {
    const change = scaleChange(m[2] as 'up' | 'down', m[3]!);
    if (change) return { kind: 'scale', name: m[1]!, change };
  }
  if ((m = new RegExp(`^scale (up|down) ${NAME} (?:by )?(.+)$`).exec(q))) {
    const change = scaleChange(m[1] as 'up' | 'down', m[3]!);
    if (change) return { kind: 'scale', name: m[2]!, change };
  }
  if ((m = new RegExp(`^(double|halve|triple) ${NAME}(?: replicas)?$`).exec(q)))
    return {
      kind: 'scale',
      name: m[2]!,
      change: { factor: m[1] === 'double' ? 2 : m[1] === 'triple' ? 3 : 0.5 },
    };

  // Images: "update X to image Y with zero downtime", "set X's image to Y", "roll out Y to X".
  const zeroDowntime = /\b(?:zero|no|without) downtime\b|\bwithout (?:an )?outage\b/.test(q);
  const bare = q.replace(
    /,?\s*(?:with|using)?\s*(?:zero|no) downtime$|,?\s*without (?:any )?(?:downtime|an outage)$/,
    '',
  );
  const IMAGE = String.raw`([a-z0-9][\w./-]*(?::[\w.-]+)?(?:@sha256:[a-f0-9]+)?)`;
  if (
    (m = new RegExp(
      `^(?:update|upgrade|change|set|move) ${NAME}(?: image)? to (?:image |version )?${IMAGE}$`,
    ).exec(bare)) ||
    (m = new RegExp(`^set (?:the )?image of ${NAME} to ${IMAGE}$`).exec(bare)) ||
    (m = new RegExp(`^set ${NAME} image to ${IMAGE}$`).exec(bare))
  ) {
    if (/[:@/]/.test(m[2]!) || /^v?\d/.test(m[2]!))
      return { kind: 'set-image', name: m[1]!, image: m[2]!, zeroDowntime };
  }
  if ((m = new RegExp(`^(?:roll ?out|deploy) ${IMAGE} (?:to|on) ${NAME}$`).exec(bare)))
    return { kind: 'set-image', name: m[2]!, image: m[1]!, zeroDowntime };

  // Autoscaling: "create an HPA for X at 50% CPU between 1 and 3 replicas", "autoscale X …".
  if (/\b(?:hpa|autoscal\w*)\b/.test(q)) {
    const target =
      new RegExp(`(?:hpa|autoscaler) (?:for|on) ${NAME}(?= |$)`).exec(q) ??
      new RegExp(`^autoscale ${NAME}(?= |$)`).exec(q);
    const cpu = /(\d+)\s*(?:%|percent)(?:\s*(?:of\s+)?cpu)?/.exec(q);
    const range =
      /(?:between|from) (\d+) (?:and|to) (\d+)/.exec(q) ??
      /min(?:imum)?\s*(\d+).*max(?:imum)?\s*(\d+)/.exec(q);
    if (target && range)
      return {
        kind: 'create-hpa',
        name: target[1]!,
        cpuPercent: cpu ? Number(cpu[1]) : 80,
        min: Number(range[1]),
        max: Number(range[2]),
      };
  }

  // Blue/green: "switch the service to green", "switch frontend to blue", "send traffic to green".
  if (
    (m =
      /^(?:switch|flip|cut over|point|move)(?: the)?(?: traffic(?: of)?)?(?: ([a-z0-9][a-z0-9.-]*?))?(?: service| svc)?(?: traffic)? (?:over )?to (?:the )?([a-z0-9][a-z0-9.-]*)(?: (?:version|deployment|color|colour|slot))?$/.exec(
        q,
      )) ||
    (m =
      /^(?:send|route) (?:the )?(?:traffic|requests)(?: (?:of|for) ([a-z0-9][a-z0-9.-]*))? to (?:the )?([a-z0-9][a-z0-9.-]*)$/.exec(
        q,
      ))
  ) {
    const service = m[1] && !['service', 'svc', 'traffic'].includes(m[1]) ? m[1] : undefined;
    return { kind: 'switch-service', ...(service ? { service } : {}), to: m[2]! };
  }

  if (
    (m = new RegExp(
      `^(?:show|list|get|give me|what are)(?: me)? ${NAME} (?:errors|error logs|logs|log)$`,
    ).exec(q)) ||
    (m = new RegExp(
      `^(?:show|list|get)(?: me)?(?: the)? (?:errors|error logs|logs|log) (?:of|for|from|in) ${NAME}$`,
    ).exec(q)) ||
    (m = new RegExp(`^(?:what errors does|is) ${NAME} (?:logging|log|throwing|have)$`).exec(q))
  )
    return { kind: 'errors', name: m[1]! };

  if ((m = new RegExp(`^(?:rollout )?restart ${NAME}$`).exec(q))) return { kind: 'restart', name: m[1]! };
  if (
    (m = new RegExp(`^(?:roll ?back|undo|revert) ${NAME}(?: to the previous (?:revision|version))?$`).exec(q))
  )
    return { kind: 'undo', name: m[1]! };

  if (
    (m = new RegExp(
      `resources? (?:should|for) ${NAME}(?: (?:be|have))?$|^what should ${NAME} resources be$|^right-?size ${NAME}$`,
    ).exec(q))
  )
    return { kind: 'resources', name: (m[1] ?? m[2] ?? m[3])! };
  if (/top pods|busiest pods|pods? (?:using|by) (?:the most )?(?:cpu|memory)/.test(q)) return { kind: 'top' };
  if (/what changed|recent (?:changes|events)|what happened/.test(q)) return { kind: 'recent' };

  for (const [pattern, what] of UNSUPPORTED) if (pattern.test(q)) return { kind: 'unsupported', what };
  return { kind: 'unknown' };
}

/** The replica count a scale change asks for, from the current one (never below 0). */
export function scaledReplicas(current: number, change: ScaleChange): number {
  if ('to' in change) return change.to;
  if ('add' in change) return Math.max(0, current + change.add);
  const next = Math.round(current * change.factor);
  // "Up by 10 %" of 2 replicas still means one more; "down by half" of 1 stays at 1.
  if (change.factor > 1) return Math.max(next, current + 1);
  return Math.max(change.factor > 0 ? 1 : 0, next);
}
