/**
 * Retries `check` on the value `read` returns until it passes or `timeoutMs` runs out, then throws the last failure.
 * For pages and servers that reach a state a little after the action that causes it.
 */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      check(await read());
      return;
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
