import type { CollectorRunRecord } from '../../shared/domain/collector-run';
import type { VehicleProblem } from '../../shared/domain/stores';
import type { ReceiverFacts } from './receiver-check';

/** A question the doctor could not get answered: the AWS error's name and message (AWS messages hold no secret). */
export interface Unanswered {
  unanswered: string;
}

export type Answer<T> = T | Unanswered;

export const isUnanswered = <T>(answer: Answer<T>): answer is Unanswered => typeof answer === 'object' && answer !== null && 'unanswered' in answer;

export interface TokenSecretFacts {
  rotationEnabled: boolean;
  lastRotatedAt: number | null;
  nextRotationAt: number | null;
  /** VersionIdsToStages: the version stages, never a value. */
  stages: Record<string, string[]>;
}

export interface SubscriptionFacts {
  protocol: string;
  pendingConfirmation: boolean;
}

export interface HttpFacts {
  status: number;
  body: string;
}

/**
 * Everything the doctor asks of the deployed stack, gathered read-only with the owner's credentials. No secret's
 * value is ever read: the token secret is described (its version stages), and the API is asked only what anyone may.
 */
export interface StackFacts {
  now: number;
  stackName: string;
  stack: Answer<{ status: string; outputs: Record<string, string> }>;
  tokenSecret: Answer<TokenSecretFacts> | null;
  /** How the collector's last run ended (`record` null: no run recorded yet); null: the stack has no table. */
  lastRun: Answer<{ record: CollectorRunRecord | null }> | null;
  /** Each car's problem, and its newest command (a refusal for want of a paired key shows there). */
  vehicles: Answer<
    Array<{
      vin: string;
      displayName: string | null;
      problem: VehicleProblem | null;
      lastCommand: { at: number; command: string; outcome: string; reason: string } | null;
    }>
  > | null;
  alarms: Answer<Array<{ name: string; state: string; reason: string }>> | null;
  alarmSubscriptions: Answer<SubscriptionFacts[]> | null;
  notifySubscriptions: Answer<SubscriptionFacts[]> | null;
  scheduleGroup: Answer<{ state: string }> | null;
  deadLetters: Answer<Array<{ name: string; messages: number }>> | null;
  health: Answer<HttpFacts> | null;
  /** Only with a custom domain (the PublicKeyUrl output). */
  publicKey: Answer<HttpFacts> | null;
  /** Only when the stack streams (the ReceiverHostName output). */
  receiver: Answer<ReceiverFacts> | null;
}
