import { AsyncLocalStorage } from 'node:async_hooks';
import type { BillingCategory } from './fleet-api';

/**
 * What one unit of work (a command request, a collector pass) asks of every Tesla request made inside it, without
 * threading it through each port: a wall-clock deadline that no request may outlive, and where to count the billed
 * answers that the client retried by itself (a 401 before a token renewal, a 421 before a region move), which the
 * port-level meter cannot see.
 */
export interface FleetCallContext {
  /** Epoch ms (wall clock) by which every request must have its answer, or be abandoned. */
  deadline?: number;
  /** Told of each billed answer the client did not return because it retried the request. */
  onRetriedAnswer?: (category: BillingCategory, scope: string) => void;
}

const storage = new AsyncLocalStorage<FleetCallContext>();

/** Runs `work` with `context` applying to every Tesla request made inside it (nested contexts keep the earlier deadline). */
export function withFleetCallContext<T>(context: FleetCallContext, work: () => Promise<T>): Promise<T> {
  const outer = storage.getStore();
  const deadline = [outer?.deadline, context.deadline].filter((d): d is number => d !== undefined);
  const merged: FleetCallContext = {
    ...(deadline.length > 0 ? { deadline: Math.min(...deadline) } : {}),
    onRetriedAnswer: (category, scope) => {
      outer?.onRetriedAnswer?.(category, scope);
      context.onRetriedAnswer?.(category, scope);
    },
  };
  return storage.run(merged, work);
}

export function currentFleetCallContext(): FleetCallContext {
  return storage.getStore() ?? {};
}
