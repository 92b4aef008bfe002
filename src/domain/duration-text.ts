const UNITS: [ms: number, unit: string][] = [
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
  [1, 'ms'],
];

/**
 * A duration as a reason tells it, in the largest unit it is a whole number of, as configured
 * (`30m`, `2h`, `90s`): never rounded, so a 20-second SLA is not "0 min".
 */
export function durationText(ms: number): string {
  const [size, unit] = UNITS.find(([size]) => ms >= size && ms % size === 0) ?? [1, 'ms'];
  return `${ms / size} ${unit}`;
}
