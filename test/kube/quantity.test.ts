import { describe, expect, it } from 'vitest';
import { bytes, cpuMillis, formatBytes, formatCpu, parseQuantity } from '../../src/kube/quantity.js';

describe('parseQuantity reads every suffix the API server writes', () => {
  it.each([
    ['250m', 0.25],
    ['2', 2],
    ['1.5', 1.5],
    ['100n', 1e-7],
    ['1k', 1000],
    ['1M', 1e6],
    ['1Ki', 1024],
    ['128Mi', 128 * 2 ** 20],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['1e3', 1000],
    ['5E-3', 0.005],
    ['.5', 0.5],
  ])('%s = %d', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 12);
  });

  it.each(['', 'abc', '1Qi', '1 Gi', '--1', 'Mi'])('rejects %j', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  it('converts to millicores and bytes', () => {
    expect(cpuMillis('1.5')).toBe(1500);
    expect(cpuMillis('250m')).toBe(250);
    expect(bytes('64Mi')).toBe(67108864);
  });
});

describe('formatting round-trips through the parser', () => {
  it.each([250, 1000, 1500, 2000])('cpu %d', (millis) => {
    expect(cpuMillis(formatCpu(millis))).toBe(millis);
  });
  it('memory', () => {
    expect(formatBytes(128 * 2 ** 20)).toBe('128Mi');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.5Gi');
    expect(formatBytes(512)).toBe('512');
  });
});
