/**
 * A value built on its first use, then kept. The request schemas are built this way: a zod schema costs about a
 * tenth of a millisecond to build, and the API's hundred or so would otherwise add ~10 ms to every cold start for
 * schemas most requests never use. A build that throws is not kept; a promise is kept as it is, even one that
 * rejects (a chunk of the bundle that does not load will not load on a second try either).
 */
export function lazily<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
