import { randomBytes } from 'node:crypto';

const SEQUENCE_SPAN = 36 ** 6;
let sequence = 0;

/**
 * An id whose string order follows creation order within this process, so audit entries written in the same
 * millisecond (the time is also in the key) still list newest first. A random tail keeps ids unique across Lambdas.
 */
export function sortableId(): string {
  sequence = (sequence + 1) % SEQUENCE_SPAN;
  return `${sequence.toString(36).padStart(6, '0')}-${randomBytes(6).toString('hex')}`;
}
