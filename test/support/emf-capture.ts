import { jest } from '@jest/globals';

/**
 * Runs `work` while capturing what is written to stdout, where Powertools publishes metrics (CloudWatch embedded
 * metric format), and returns the JSON lines written.
 */
export async function captureStdoutJson<T>(work: () => Promise<T>): Promise<{ result: T | undefined; error: unknown; lines: Record<string, unknown>[] }> {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
  let result: T | undefined;
  let error: unknown = null;
  try {
    result = await work();
  } catch (caught) {
    error = caught;
  } finally {
    spy.mockRestore();
  }
  const lines = written
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { result, error, lines };
}
