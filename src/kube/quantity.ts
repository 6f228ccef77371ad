// Kubernetes resource quantities ("250m", "1.5Gi", "1e3", "128974848") as plain numbers.
// client-node's quantityToScalar is not exported from the root and throws on "1.5Gi", hence ours.
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY_RE = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** The quantity in base units (cores, bytes); undefined when it is not a quantity. */
export function parseQuantity(input: string | number | undefined | null): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const match = QUANTITY_RE.exec(input.trim());
  if (!match) return undefined;
  const base = Number(match[1]);
  if (match[2]) return base * 10 ** Number(match[2].slice(1));
  return base * SUFFIX[match[3] ?? '']!;
}

/** CPU in millicores. */
export function cpuMillis(input: string | number | undefined | null): number | undefined {
  const cores = parseQuantity(input);
  return cores === undefined ? undefined : cores * 1000;
}

/** Memory in bytes. */
export function bytes(input: string | number | undefined | null): number | undefined {
  return parseQuantity(input);
}

/** Millicores as kubectl prints them: "250m", or whole cores "2" when exact. */
export function formatCpu(millis: number): string {
  const rounded = Math.round(millis);
  if (rounded >= 1000 && rounded % 1000 === 0) return String(rounded / 1000);
  return `${rounded}m`;
}

/** Bytes as a binary-suffixed quantity ("128Mi", "1.5Gi"), at most one decimal. */
export function formatBytes(value: number): string {
  const units: [string, number][] = [
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ];
  for (const [suffix, size] of units) {
    if (Math.abs(value) >= size) {
      const scaled = value / size;
      const text = Number.isInteger(scaled) ? String(scaled) : scaled.toFixed(1).replace(/\.0$/, '');
      return `${text}${suffix}`;
    }
  }
  return String(Math.round(value));
}
