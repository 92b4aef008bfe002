import type { CallOptions } from './api';
import { h } from './dom';
import type { ConsoleContext } from './model';

/**
 * Saves what the API answers at `path` as a file. A plain link cannot fetch it (the token goes
 * in a header), so the console reads the bytes and offers them from an object URL it made.
 */
export async function downloadFile(
  context: ConsoleContext,
  path: string,
  query: CallOptions['query'],
): Promise<string> {
  const { blob, name } = await context.api.file(path, query);
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the bytes once the click is handled; a minute is ample.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}
