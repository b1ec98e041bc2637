/**
 * The whole of a body, chunk by chunk, or null as soon as it passes `maxBytes` (nothing more is read): an answer or a
 * request too large to hold is refused before it is held.
 */
export async function readBounded(body: AsyncIterable<Buffer | Uint8Array>, maxBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) return null;
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
