import { HOUR_MS, MINUTE_MS } from '../../shared/domain/clock';
import { ROTATION_INTERVAL_HOURS } from '../../shared/tokens/token-bundle';
import type { VehicleProblem } from '../../shared/domain/stores';
import { diagnoseReceiver, diagnoseStreamingCars } from './receiver-check';
import { isUnanswered, type Answer, type StackFacts, type SubscriptionFacts } from './stack-facts';

export type Verdict = 'ok' | 'warn' | 'fail';

export interface Finding {
  check: string;
  verdict: Verdict;
  /** What was found, in plain words. */
  message: string;
  /** What to do about it, when something is to be done. */
  fix?: string;
}

const PUBLIC_KEY_PATH = '/.well-known/appspecific/com.tesla.3p.public-key.pem';
/** The collector runs every minute; a last run older than this means the schedule is not running it. */
const COLLECTOR_SILENT_MS = 10 * MINUTE_MS;

const ago = (now: number, at: number): string => {
  const minutes = Math.round((now - at) / MINUTE_MS);
  return minutes < 2 ? 'just now' : minutes < 120 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
};

/** A check whose question went unanswered (no permission, throttled, …): said plainly, never taken for a pass. */
function unanswered(check: string, answer: { unanswered: string }, permission: string): Finding {
  return { check, verdict: 'warn', message: `could not check: ${answer.unanswered}`, fix: `the doctor needs ${permission} (read-only)` };
}

/** What the doctor concludes from the facts: one finding per check, in the order an owner would fix them. */
export function diagnose(facts: StackFacts): Finding[] {
  if (isUnanswered(facts.stack)) {
    return [
      {
        check: 'stack',
        verdict: 'fail',
        message: `stack ${facts.stackName} not readable: ${facts.stack.unanswered}`,
        fix: 'deploy it with `npm run deploy`, or pass --stack-name and --region (or AWS_REGION) for where you deployed it',
      },
    ];
  }
  const stackOk = /_COMPLETE$/.test(facts.stack.status) && !/ROLLBACK|DELETE/.test(facts.stack.status);
  const findings: Finding[] = [
    {
      check: 'stack',
      verdict: stackOk ? 'ok' : 'fail',
      message: `${facts.stackName} is ${facts.stack.status}`,
      ...(stackOk ? {} : { fix: 'see the stack events in the CloudFormation console for the failed resource' }),
    },
  ];
  const login = `npm run login -- --secret-id ${facts.stack.outputs.TeslaTokenSecretArn ?? '<TeslaTokenSecretArn>'}`;
  findings.push(apiAnswers(facts), ...publicKey(facts), tokenSecret(facts, login), collector(facts, login), ...vehicles(facts));
  findings.push(
    subscriptions('alarm e-mails', facts.alarmSubscriptions, 'set alarmEmail in deploy.config.json and deploy again, or subscribe to the AlarmTopicArn output'),
  );
  if (facts.notifySubscriptions !== null)
    findings.push(subscriptions('notification e-mails', facts.notifySubscriptions, 'set notifyEmail in deploy.config.json and deploy again'));
  if (facts.receiver !== null) {
    findings.push(diagnoseReceiver(facts.receiver, facts.now));
    const cars = diagnoseStreamingCars(facts.receiver);
    if (cars !== null) findings.push(cars);
  }
  findings.push(alarms(facts), scheduleGroup(facts), deadLetters(facts));
  return findings;
}

function apiAnswers(facts: StackFacts): Finding {
  const check = 'API';
  if (facts.health === null) return { check, verdict: 'fail', message: 'the stack has no ApiUrl output', fix: 'deploy again with this version' };
  if (isUnanswered(facts.health)) return { check, verdict: 'fail', message: `GET /health got no answer: ${facts.health.unanswered}` };
  if (facts.health.status !== 200)
    return { check, verdict: 'fail', message: `GET /health answered ${facts.health.status}`, fix: 'see the ApiFunction logs in CloudWatch' };
  return { check, verdict: 'ok', message: 'GET /health answers 200' };
}

function publicKey(facts: StackFacts): Finding[] {
  const check = 'public key';
  if (facts.publicKey === null) {
    return [
      {
        check,
        verdict: 'warn',
        message: 'no custom domain: Tesla cannot fetch the app’s public key, so cars that need signed commands cannot be paired',
        fix: 'set customDomainName and certificateArn in deploy.config.json (see the README, "Signed commands")',
      },
    ];
  }
  if (isUnanswered(facts.publicKey))
    return [
      {
        check,
        verdict: 'fail',
        message: `${PUBLIC_KEY_PATH} got no answer: ${facts.publicKey.unanswered}`,
        fix: 'check the domain’s DNS record (the ApiDomainTarget output) and the certificate',
      },
    ];
  if (facts.publicKey.status === 404)
    return [
      {
        check,
        verdict: 'fail',
        message: `${PUBLIC_KEY_PATH} answers 404: no command key stored yet`,
        fix: 'create one with `npm run keys -- --secret-id <ApiSecretArn>`',
      },
    ];
  if (facts.publicKey.status !== 200 || !facts.publicKey.body.includes('-----BEGIN PUBLIC KEY-----')) {
    return [{ check, verdict: 'fail', message: `${PUBLIC_KEY_PATH} answered ${facts.publicKey.status} without a PEM public key` }];
  }
  return [{ check, verdict: 'ok', message: `served at ${PUBLIC_KEY_PATH}`, fix: `pair each car at the PairingUrl output` }];
}

function tokenSecret(facts: StackFacts, login: string): Finding {
  const check = 'token rotation';
  const secret = facts.tokenSecret;
  if (secret === null) return { check, verdict: 'fail', message: 'the stack has no TeslaTokens secret' };
  if (isUnanswered(secret)) return unanswered(check, secret, 'secretsmanager:DescribeSecret on the TeslaTokens secret');
  if (!secret.rotationEnabled)
    return { check, verdict: 'fail', message: 'rotation is not enabled on the token secret', fix: 'deploy again; the stack configures it' };
  const current = Object.entries(secret.stages).filter(([, s]) => s.includes('AWSCURRENT'));
  const stray = Object.entries(secret.stages).filter(([, s]) => s.includes('AWSPENDING') && !s.includes('AWSCURRENT'));
  if (current.length !== 1) return { check, verdict: 'fail', message: `the token secret has ${current.length} AWSCURRENT versions` };
  if (stray.length > 0) {
    return {
      check,
      verdict: 'warn',
      message: 'a rotation is unfinished (a version is staged AWSPENDING); Secrets Manager re-attempts it',
      fix: `if it stays so for hours, see the TokenRotation function's logs; signing in again (${login}) clears it`,
    };
  }
  const overdue = secret.lastRotatedAt !== null && facts.now - secret.lastRotatedAt > 2 * ROTATION_INTERVAL_HOURS * HOUR_MS;
  const last = secret.lastRotatedAt === null ? 'never rotated yet' : `last rotated ${ago(facts.now, secret.lastRotatedAt)}`;
  if (overdue)
    return {
      check,
      verdict: 'warn',
      message: `${last}, more than twice its ${ROTATION_INTERVAL_HOURS}-hour schedule`,
      fix: 'see the TokenRotation function’s logs',
    };
  return { check, verdict: 'ok', message: `versions staged as they should be; ${last}` };
}

function collector(facts: StackFacts, login: string): Finding {
  const check = 'collector';
  if (facts.lastRun === null) return { check, verdict: 'fail', message: 'the stack has no table' };
  if (isUnanswered(facts.lastRun)) return unanswered(check, facts.lastRun, 'dynamodb:GetItem on the table');
  const run = facts.lastRun.record;
  if (run === null) return { check, verdict: 'warn', message: 'no run recorded yet', fix: 'it runs every minute: wait a minute and ask again' };
  if (facts.now - run.endedAt > COLLECTOR_SILENT_MS) {
    return {
      check,
      verdict: 'fail',
      message: `last run ended ${ago(facts.now, run.endedAt)}: the schedule is not running it`,
      fix: 'check the CollectorSchedule rule is enabled, and the CollectorFunction logs',
    };
  }
  switch (run.outcome) {
    case 'ok':
      return {
        check,
        verdict: 'ok',
        message: `last run ${ago(facts.now, run.endedAt)}: ${run.vehiclesSeen ?? 0} car(s) listed, ${run.snapshotsWritten ?? 0} reading(s) stored`,
      };
    case 'not_logged_in':
      return { check, verdict: 'fail', message: `not logged in to Tesla yet (since ${ago(facts.now, run.since)}); nothing is collected`, fix: login };
    case 'login_lost':
      return { check, verdict: 'fail', message: `the Tesla login is lost (since ${ago(facts.now, run.since)})`, fix: login };
    case 'failed':
      return {
        check,
        verdict: 'fail',
        message: `last run failed: ${run.detail ?? 'unknown error'} (failing since ${ago(facts.now, run.since)})`,
        fix: 'see the CollectorFunction logs',
      };
  }
}

function vehicles(facts: StackFacts): Finding[] {
  const cars = facts.vehicles;
  if (cars === null) return [];
  if (isUnanswered(cars)) return [unanswered('cars', cars, 'dynamodb:Query on the table')];
  const fixes: Record<VehicleProblem['code'], string> = {
    streaming_silent:
      'GET /streaming shows what the car reports (PUT /streaming configures it again); the receiver check above tells whether the receiver answers',
    missing_scope: 'sign in again granting the scope it names (npm run login)',
    refused: 'see the message; GET /vehicles shows it too',
    unreadable_answer: 'Tesla’s answers cannot be read; see the CollectorFunction logs',
    stale_data: 'the car is online but not read for hours; see the CollectorFunction logs',
  };
  const findings: Finding[] = [];
  for (const car of cars) {
    const check = `car ${car.displayName ?? car.vin}`;
    if (car.problem)
      findings.push({
        check,
        verdict: 'fail',
        message: `${car.problem.code}: ${car.problem.message}`,
        fix: fixes[car.problem.code] ?? 'see GET /vehicles',
      });
    if (car.lastCommand?.reason === 'command_key_not_paired') {
      findings.push({
        check,
        verdict: 'fail',
        message: `its last command (${car.lastCommand.command}, ${ago(facts.now, car.lastCommand.at)}) was refused: the command key is not paired with this car`,
        fix: 'open the PairingUrl output in the Tesla app, on a phone next to the car, and approve the key',
      });
    }
  }
  return findings;
}

function subscriptions(check: string, answer: Answer<SubscriptionFacts[]> | null, fixNone: string): Finding {
  if (answer === null) return { check, verdict: 'warn', message: 'the stack has no topic for them' };
  if (isUnanswered(answer)) return unanswered(check, answer, 'sns:ListSubscriptionsByTopic');
  const email = answer.filter((s) => s.protocol === 'email');
  if (email.length === 0) return { check, verdict: 'warn', message: 'no e-mail address is subscribed: nobody hears of them', fix: fixNone };
  const pending = email.filter((s) => s.pendingConfirmation).length;
  if (pending > 0)
    return {
      check,
      verdict: 'warn',
      message: `${pending} subscription(s) not confirmed yet: nothing is e-mailed until then`,
      fix: 'click the link in the e-mail "AWS Notification - Subscription Confirmation"',
    };
  return { check, verdict: 'ok', message: `${email.length} e-mail subscription(s) confirmed` };
}

function alarms(facts: StackFacts): Finding {
  const check = 'alarms';
  const answer = facts.alarms;
  if (answer === null) return { check, verdict: 'warn', message: 'not checked' };
  if (isUnanswered(answer)) return unanswered(check, answer, 'cloudwatch:DescribeAlarms');
  const firing = answer.filter((a) => a.state === 'ALARM');
  if (firing.length > 0)
    return { check, verdict: 'fail', message: `in alarm: ${firing.map((a) => a.name).join(', ')}`, fix: 'each alarm’s description says what to do' };
  return { check, verdict: 'ok', message: `${answer.length} alarm(s), none firing` };
}

function scheduleGroup(facts: StackFacts): Finding {
  const check = 'automations';
  const answer = facts.scheduleGroup;
  if (answer === null) return { check, verdict: 'fail', message: 'the stack has no schedule group' };
  if (isUnanswered(answer)) return unanswered(check, answer, 'scheduler:GetScheduleGroup');
  if (answer.state !== 'ACTIVE') return { check, verdict: 'fail', message: `the schedule group is ${answer.state}` };
  return { check, verdict: 'ok', message: 'the schedule group is active' };
}

function deadLetters(facts: StackFacts): Finding {
  const check = 'failed runs';
  const answer = facts.deadLetters;
  if (answer === null) return { check, verdict: 'warn', message: 'not checked' };
  if (isUnanswered(answer)) return unanswered(check, answer, 'sqs:GetQueueAttributes');
  const parked = answer.filter((q) => q.messages > 0);
  if (parked.length > 0) {
    return {
      check,
      verdict: 'warn',
      message: parked.map((q) => `${q.messages} parked in ${q.name}`).join('; '),
      fix: 'read them in the SQS console (each names the run that failed), then purge the queue',
    };
  }
  return { check, verdict: 'ok', message: 'no failed run parked' };
}
