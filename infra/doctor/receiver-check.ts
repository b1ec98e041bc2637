import { connect } from 'node:tls';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { DAY_MS } from '../../shared/domain/clock';
import { ssmParameters } from '../../shared/receiver/ssm-parameters';
import { ssmVinList } from '../../shared/receiver/ssm-vin-list';
import type { Finding } from './diagnose';
import { isUnanswered, type Answer } from './stack-facts';

/** What a TLS handshake with the receiver showed, without a client certificate (the receiver then refuses the rest). */
export interface TlsFacts {
  /** The address the host name led to. */
  address: string;
  /** Whether its certificate verifies against the receiver's CA for the host name. */
  authorized: boolean;
  error: string | null;
  validTo: number | null;
}

/** Connects to host:port, checks the server's certificate against `caPem` (and the name), and hangs up. */
export type TlsProbe = (host: string, port: number, caPem: string) => Promise<TlsFacts>;

export const PROBE_DEADLINE_MS = 8_000;

/**
 * The real probe. Under TLS 1.3 a client finishes its handshake before the server has judged its certificate, so a
 * client with none still sees the server's: enough to tell a receiver that answers with the right certificate from a
 * wrong address, a closed port or a certificate the cars would refuse.
 */
export const tlsProbe: TlsProbe = (host, port, caPem) =>
  new Promise((resolve, reject) => {
    const socket = connect({ host, port, servername: host, ca: caPem, rejectUnauthorized: false, minVersion: 'TLSv1.3' });
    const timer = setTimeout(() => socket.destroy(new Error(`no TLS answer within ${PROBE_DEADLINE_MS / 1000} s`)), PROBE_DEADLINE_MS);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      const error = socket.authorizationError;
      resolve({
        address: socket.remoteAddress ?? '',
        authorized: socket.authorized,
        error: error === null || error === undefined ? null : String(error),
        validTo: cert.valid_to ? Date.parse(cert.valid_to) : null,
      });
      socket.destroy();
    });
    socket.once('error', (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
  });

export interface ReceiverFacts {
  host: string;
  /** The stack's Elastic IP (the ReceiverAddress output). */
  expectedAddress: string;
  tls: Answer<TlsFacts>;
  /** The VINs the receiver's bridge takes records for (PUT /streaming writes them); null before any were written. */
  vins?: Answer<string[] | null>;
}

/** The receiver's facts when the stack streams (it has a ReceiverHostName output); null when it does not. */
export async function receiverFacts(
  outputs: Record<string, string>,
  ssm: SSMClient,
  probe: TlsProbe,
  ask: <T>(question: () => Promise<T>) => Promise<Answer<T>>,
): Promise<Answer<ReceiverFacts> | null> {
  const { ReceiverHostName: host, ReceiverAddress: expectedAddress, ReceiverCaParameter: caParameter } = outputs;
  if (!host || !expectedAddress || !caParameter) return null;
  // The CA is public (every car's configuration carries it); reading it reads no secret.
  const ca = await ask(async () => (await ssm.send(new GetParameterCommand({ Name: caParameter }))).Parameter?.Value ?? '');
  if (isUnanswered(ca)) return ca;
  const vinsParameter = outputs.ReceiverVinsParameter;
  return {
    host,
    expectedAddress,
    tls: await ask(() => probe(host, 443, ca)),
    ...(vinsParameter
      ? {
          vins: await ask(() =>
            ssmVinList(
              ssmParameters(() => ssm),
              vinsParameter,
            ).read(),
          ),
        }
      : {}),
  };
}

/** Whether PUT /streaming has told the receiver which cars are the owner's. */
export function diagnoseStreamingCars(answer: Answer<ReceiverFacts>): Finding | null {
  if (isUnanswered(answer) || answer.vins === undefined) return null;
  const check = 'streaming cars';
  const { vins } = answer;
  if (isUnanswered(vins))
    return { check, verdict: 'warn', message: `could not read the VIN allowlist: ${vins.unanswered}`, fix: 'the doctor needs ssm:GetParameter' };
  if (vins === null)
    return {
      check,
      verdict: 'warn',
      message: 'no car is configured to stream yet',
      fix: 'once the receiver check passes, run PUT /streaming (docs/streaming.md); polling covers the cars meanwhile',
    };
  if (vins.length === 0) return { check, verdict: 'ok', message: 'streaming is stopped for every car (DELETE /streaming); polling covers them' };
  return {
    check,
    verdict: 'ok',
    message: `the receiver takes records for ${vins.length} car${vins.length === 1 ? '' : 's'}; GET /streaming says how each streams`,
  };
}

/** Whether cars can reach the receiver and would trust it. */
export function diagnoseReceiver(answer: Answer<ReceiverFacts>, now: number): Finding {
  const check = 'streaming receiver';
  if (isUnanswered(answer))
    return { check, verdict: 'warn', message: `could not read its CA: ${answer.unanswered}`, fix: 'the doctor needs ssm:GetParameter (read-only)' };
  const { host, expectedAddress, tls } = answer;
  if (isUnanswered(tls))
    return {
      check,
      verdict: 'fail',
      message: `${host}:443 gives no TLS answer: ${tls.unanswered}`,
      fix: `point an A record for ${host} at ${expectedAddress}; right after the first deploy, give the instance a few minutes to start the receiver (EC2 console: instance status, or Session Manager: docker ps)`,
    };
  if (tls.address !== expectedAddress)
    return {
      check,
      verdict: 'fail',
      message: `${host} leads to ${tls.address}, not the receiver's ${expectedAddress}`,
      fix: `point the A record for ${host} at ${expectedAddress}`,
    };
  if (!tls.authorized)
    return {
      check,
      verdict: 'fail',
      message: `the receiver's certificate does not verify against its CA for ${host}: ${tls.error ?? 'unknown'}`,
      fix: 'the cars would refuse it too: delete the receiver’s tls-key parameter and replace the instance, then configure the cars again',
    };
  const until = tls.validTo === null ? 'an unknown date' : new Date(tls.validTo).toISOString().slice(0, 10);
  if (tls.validTo !== null && tls.validTo - now < 30 * DAY_MS)
    return {
      check,
      verdict: 'warn',
      message: `the receiver's certificate ends ${until}`,
      fix: 'delete the receiver’s tls-key parameter, replace the instance, configure the cars again',
    };
  return { check, verdict: 'ok', message: `${host}:443 answers with its certificate (valid until ${until}); it admits only cars with Tesla's certificates` };
}
