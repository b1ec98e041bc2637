/**
 * What runs on the streaming receiver's instance, and how it starts: Tesla's fleet-telemetry server (pinned image)
 * and the bridge that stores its records in the stack's queue before the car is acked. Kept apart from the construct
 * so the configuration can be checked against fleet-telemetry's own schema in tests.
 */

import { RECORD_STREAMS } from '../../shared/domain/telemetry/record-streams';

/** Tesla's receiver, pinned: a new release is taken by changing this (or the `receiverImage` setting), never silently. */
export const RECEIVER_IMAGE = 'tesla/fleet-telemetry:v0.9.4';
/**
 * The bridge's runtime: Node from the Docker official images on ECR Public (no Docker Hub pull limit), the functions'
 * major version (the bundle targets it). Pinned to the major only: a tag that no longer exists would break a deploy.
 */
export const BRIDGE_IMAGE = 'public.ecr.aws/docker/library/node:24-alpine';
/** The loopback port fleet-telemetry's Kinesis dispatcher is pointed at (the bridge; see kinesis-bridge.ts). */
export const BRIDGE_PORT = 4567;
/** The smallest Graviton instance: fleet-telemetry and the bridge use well under its 0.5 GiB. */
export const RECEIVER_INSTANCE_TYPE = 't4g.nano';
/** Amazon Linux 2023's image needs 8 GB. */
export const RECEIVER_VOLUME_GB = 8;
/** The port cars connect to. */
export const RECEIVER_PORT = 443;

const TLS_DIR = '/etc/fleet-telemetry/tls';

/**
 * fleet-telemetry's configuration (config/config.go): cars' vehicle data goes to the Kinesis dispatcher (the bridge)
 * decoded as JSON, and is acked to the car only once the bridge confirmed it (`reliable_ack_sources`); the server's
 * connectivity events (a car connected or disconnected) go there too, so a car that should stream and does not is
 * told (see telemetry/stream-watch.ts); alerts and errors go to the log. Client certificates are checked against
 * Tesla's CAs only (no `ca_file`). Each connection may send at most 1,000 messages in 30 s; a car sends a few a second
 * at most.
 */
export function fleetTelemetryConfig(): Record<string, unknown> {
  return {
    host: '0.0.0.0',
    port: RECEIVER_PORT,
    log_level: 'info',
    json_log_enable: true,
    namespace: 'tesla_telemetry',
    reliable_ack_sources: { V: 'kinesis' },
    transmit_decoded_records: true,
    rate_limit: { enabled: true, message_interval_time: 30, message_limit: 1000 },
    records: { V: ['kinesis'], alerts: ['logger'], errors: ['logger'], connectivity: ['kinesis'] },
    kinesis: { max_retries: 1, override_host: `http://127.0.0.1:${BRIDGE_PORT}`, streams: { ...RECORD_STREAMS } },
    tls: { server_cert: `${TLS_DIR}/server.crt`, server_key: `${TLS_DIR}/server.key` },
  };
}

/** Where the receiver keeps its TLS material, so a replaced instance serves the same certificate (SSM parameters). */
export interface ReceiverTlsParameters {
  /** The server's private key (SecureString); written last, so its presence says the other two are there. */
  key: string;
  /** The server's certificate (String). */
  cert: string;
  /** The CA that signed it (String): what the cars' configuration names. */
  ca: string;
}

export interface ReceiverHostSettings {
  region: string;
  hostName: string;
  image: string;
  queueUrl: string;
  /** `s3://bucket/key` of the bridge's bundle (a zip of index.mjs and its chunks). */
  bridgeBundle: string;
  tls: ReceiverTlsParameters;
  /** The SSM parameter with the owner's VINs, which the bridge takes records for (written by PUT /streaming). */
  vinsParameter: string;
}

/**
 * The server's certificate in `dir`: read back from SSM, or made once. It comes from a CA made for this host name
 * only: the CA's key signs that one certificate and is deleted, so no one can issue another. Both are EC P-256; the
 * CA is valid 20 years and the certificate 10 (the cars trust the CA their configuration names, not a public one).
 * Standard parameters are free; a SecureString uses the account's aws/ssm key.
 */
export function receiverTlsCommands(hostName: string, p: ReceiverTlsParameters, dir: string): string[] {
  return [
    `if aws ssm get-parameter --name '${p.key}' --with-decryption --query Parameter.Value --output text > ${dir}/server.key.new 2>/dev/null; then`,
    `  aws ssm get-parameter --name '${p.cert}' --query Parameter.Value --output text > ${dir}/server.crt`,
    `  mv ${dir}/server.key.new ${dir}/server.key`,
    'else',
    `  rm -f ${dir}/server.key.new`,
    '  work=$(mktemp -d) && cd "$work"',
    '  openssl ecparam -name prime256v1 -genkey -noout -out ca.key',
    `  openssl req -x509 -new -key ca.key -sha256 -days 7300 -subj '/CN=Tesla Fleet logger receiver CA' -addext 'basicConstraints=critical,CA:TRUE,pathlen:0' -addext 'keyUsage=critical,keyCertSign' -out ca.crt`,
    '  openssl ecparam -name prime256v1 -genkey -noout -out server.key',
    `  openssl req -new -key server.key -subj '/CN=${hostName}' -out server.csr`,
    `  printf 'subjectAltName=DNS:${hostName}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n' > server.ext`,
    '  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days 3650 -extfile server.ext -out server.crt 2>/dev/null',
    '  shred -u ca.key',
    `  aws ssm put-parameter --name '${p.ca}' --type String --value file://ca.crt --overwrite > /dev/null`,
    `  aws ssm put-parameter --name '${p.cert}' --type String --value file://server.crt --overwrite > /dev/null`,
    `  aws ssm put-parameter --name '${p.key}' --type SecureString --value file://server.key --overwrite > /dev/null`,
    `  cp server.crt server.key ${dir}/`,
    '  shred -u server.key && cd / && rm -rf "$work"',
    'fi',
  ];
}

/**
 * The receiver's start script, run by systemd at every boot: the TLS material (receiverTlsCommands: read back, or made
 * if its key is not in SSM), the server's configuration, and three containers made afresh. The server and the bridge
 * share one network namespace, owned by a container that only sleeps (so a restart of either keeps it), with only the
 * cars' port published: the dispatcher reaches the bridge on the loopback, and nothing else can. Docker restarts a
 * container that stops.
 */
export function receiverStartScript(s: ReceiverHostSettings): string[] {
  return [
    '#!/usr/bin/env bash',
    'set -euo pipefail',
    `export AWS_REGION=${s.region}`,
    `mkdir -p ${TLS_DIR}`,
    ...receiverTlsCommands(s.hostName, s.tls, TLS_DIR),
    // The server's image runs as distroless "nonroot" (65532): it must read the key, no one else.
    `chown 65532 ${TLS_DIR}/server.key && chmod 400 ${TLS_DIR}/server.key`,
    `cat > /etc/fleet-telemetry/config.json <<'CONFIG'\n${JSON.stringify(fleetTelemetryConfig(), null, 2)}\nCONFIG`,
    'docker rm -f fleet-telemetry bridge receiver-net > /dev/null 2>&1 || true',
    `docker run -d --name receiver-net --restart always -p ${RECEIVER_PORT}:${RECEIVER_PORT} ${BRIDGE_IMAGE} sleep infinity`,
    `docker run -d --name bridge --restart always --network container:receiver-net -e AWS_REGION=${s.region} -e RECORD_QUEUE_URL='${s.queueUrl}' -e VINS_PARAMETER='${s.vinsParameter}' -e BRIDGE_PORT=${BRIDGE_PORT} -v /opt/bridge:/opt/bridge:ro --user node ${BRIDGE_IMAGE} node /opt/bridge/index.mjs`,
    // It checks the bridge when it starts (ListStreams), and Docker starts it again until the bridge answers.
    `docker run -d --name fleet-telemetry --restart always --network container:receiver-net -e AWS_REGION=${s.region} -v /etc/fleet-telemetry:/etc/fleet-telemetry:ro ${s.image} /fleet-telemetry -config=/etc/fleet-telemetry/config.json`,
  ];
}

/**
 * The instance's first-boot script: the packages and the bridge's bundle, then the start script as a systemd unit that
 * runs at every boot. So a reboot takes new TLS material when its key was deleted from SSM (see docs/streaming.md).
 */
export function receiverUserData(s: ReceiverHostSettings): string[] {
  return [
    'set -euo pipefail',
    'dnf install -y docker openssl unzip',
    'systemctl enable --now docker',
    'mkdir -p /opt/receiver /opt/bridge /etc/fleet-telemetry',
    `AWS_REGION=${s.region} aws s3 cp '${s.bridgeBundle}' /opt/bridge/bundle.zip && unzip -o /opt/bridge/bundle.zip -d /opt/bridge`,
    `cat > /opt/receiver/start.sh <<'START'\n${receiverStartScript(s).join('\n')}\nSTART`,
    'chmod 700 /opt/receiver/start.sh',
    `cat > /etc/systemd/system/tesla-receiver.service <<'UNIT'\n${RECEIVER_UNIT}\nUNIT`,
    'systemctl daemon-reload',
    'systemctl enable --now tesla-receiver.service',
  ];
}

const RECEIVER_UNIT = `[Unit]
Description=Tesla Fleet Telemetry receiver (fleet-telemetry and its bridge to the record queue)
Requires=docker.service
After=docker.service network-online.target
Wants=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/opt/receiver/start.sh

[Install]
WantedBy=multi-user.target`;
