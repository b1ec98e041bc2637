import type { Dispatcher } from 'undici';
import { agentWithLookup, request } from '../outbound/lazy-undici';
import { checkTargetUrl, guardedLookup, TargetNotAllowedError, type OutboundPolicy } from './outbound-guard';

/**
 * A channel did not take the notification. The message says only what the owner needs: a refused address (their
 * setting), or "not delivered". Whether the target answered an error, refused the connection or never answered is
 * not told apart, so a notification target cannot be used to probe what lies behind it.
 */
export class ChannelRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChannelRejectedError';
  }
}

const agents = new Map<boolean, Promise<Dispatcher>>();
const agentFor = (policy: OutboundPolicy): Promise<Dispatcher> => {
  let agent = agents.get(policy.allowPrivateNetworks);
  if (!agent) {
    agent = agentWithLookup(guardedLookup(policy));
    agents.set(policy.allowPrivateNetworks, agent);
  }
  return agent;
};

/**
 * POSTs and reads the answer to the end before `deadline`; anything but a 2xx is a rejection. The target is checked
 * before connecting (its host), and again as the connection resolves it (every address it resolves to); redirects
 * are not followed.
 */
export async function postBefore(url: string, deadline: number, headers: Record<string, string>, body: string, policy: OutboundPolicy): Promise<void> {
  const budget = deadline - Date.now();
  if (budget < 100) throw new ChannelRejectedError('no time left to send');
  try {
    checkTargetUrl(url, policy);
  } catch (error) {
    throw new ChannelRejectedError(`refused: ${error instanceof Error ? error.message : 'target not allowed'}`);
  }
  const signal = AbortSignal.timeout(budget);
  const notDelivered = new ChannelRejectedError(`not delivered: no 2xx answer within ${Math.round(budget / 1000)} s`);
  let status: number;
  try {
    const res = await request(url, { method: 'POST', headers, body, headersTimeout: budget, bodyTimeout: budget, signal, dispatcher: await agentFor(policy) });
    status = res.statusCode;
    await res.body.dump({ limit: 64 * 1024 });
  } catch (error) {
    const refused =
      error instanceof TargetNotAllowedError ? error : error instanceof Error && error.cause instanceof TargetNotAllowedError ? error.cause : null;
    if (refused) throw new ChannelRejectedError(`refused: ${refused.message}`);
    throw notDelivered;
  }
  if (status < 200 || status >= 300) throw notDelivered;
}
