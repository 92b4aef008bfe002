/** Which scenarios one run of `scripts/record-histories.ts` records, and which it leaves alone. */
export interface RecordingPlan {
  record: string[];
  /** Scenarios left out because their history exists (only when none was named). */
  skipped: string[];
}

/** The arguments ask for something the recorder will not do; nothing has been recorded. */
export class RecordingRefused extends Error {}

/**
 * Recorded histories are append-only evidence. With no argument every scenario without a file
 * is recorded and the others are skipped; a named scenario whose file exists is refused unless
 * it is named with `--overwrite <scenario>`, so no history is replaced by accident.
 */
export function planRecording(
  argv: readonly string[],
  scenarios: readonly string[],
  existing: ReadonlySet<string>,
): RecordingPlan {
  const named: string[] = [];
  const overwrite = new Set<string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--overwrite') {
      const name = argv[i + 1];
      if (name === undefined || name.startsWith('-')) {
        throw new RecordingRefused('--overwrite needs the scenario whose history it replaces.');
      }
      overwrite.add(name);
      named.push(name);
      i += 1;
    } else if (arg.startsWith('-')) {
      throw new RecordingRefused(`Unknown option ${arg} (the only one is --overwrite <scenario>).`);
    } else {
      named.push(arg);
    }
  }
  const unknown = named.filter((name) => !scenarios.includes(name));
  if (unknown.length > 0) {
    throw new RecordingRefused(
      `No scenario ${unknown.join(', ')}; the scenarios are: ${scenarios.join(', ')}.`,
    );
  }
  if (named.length === 0) {
    return {
      record: scenarios.filter((name) => !existing.has(name)),
      skipped: scenarios.filter((name) => existing.has(name)),
    };
  }
  const kept = [...new Set(named)].filter((name) => existing.has(name) && !overwrite.has(name));
  if (kept.length > 0) {
    throw new RecordingRefused(
      `${kept.map((name) => `${name}.json`).join(', ')} already recorded: histories are ` +
        'append-only. Add a scenario under a new name; replace one only deliberately, with ' +
        `${kept.map((name) => `--overwrite ${name}`).join(' ')}, and never to silence a replay ` +
        "failure of released code (guard the change with patched('<id>') instead).",
    );
  }
  return { record: [...new Set(named)], skipped: [] };
}
