/**
 * Polls until `probe` returns a value other than undefined, or fails after `timeoutMs`; `what` may
 * be a function, so the failure can describe the state at the deadline (a process's output).
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string | (() => string),
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
