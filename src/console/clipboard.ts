/**
 * Copies by the Clipboard API where the page may (https, localhost); elsewhere (plain http) it
 * calls `select` so the reader can copy it themself. Says which happened.
 */
export async function copyOrSelect(text: string, select: () => void): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    select();
    return false;
  }
}
