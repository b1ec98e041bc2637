import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the double answers the next requests to a given kind of endpoint. Every fault but `rate_limited` and `none` is
 * one after which the car may have acted: the double counts the command as received either way.
 */
export type TeslaFault = 'none' | 'html' | 'truncated_json' | 'empty' | 'wrong_shape' | 'status_500' | 'status_503' | 'reset' | 'slow_drip' | 'rate_limited';

export const FAULTS_AFTER_WHICH_A_COMMAND_MAY_HAVE_RUN: readonly TeslaFault[] = [
  'html',
  'truncated_json',
  'empty',
  'wrong_shape',
  'status_500',
  'status_503',
  'reset',
  'slow_drip',
];

export interface ReceivedCommand {
  vin: string;
  command: string;
  body: Record<string, unknown>;
  /** The double's answer could have let the car act (anything but a 429). */
  mayHaveRun: boolean;
}

/**
 * A Fleet API double over real HTTP on 127.0.0.1 that injects faults into command answers (and, when asked, into
 * vehicle_data and the state call): garbled 2xx bodies, 5xx, connection resets, an answer that trickles a byte a
 * second and never ends, and 429 with Retry-After. Cars are always online; it records every command it received.
 */
export class FaultyTesla {
  readonly received: ReceivedCommand[] = [];
  /** Requests by path, in order (for counting billed requests). */
  readonly requests: string[] = [];
  commandFault: TeslaFault = 'none';
  dataFault: TeslaFault = 'none';
  stateFault: TeslaFault = 'none';
  retryAfterSeconds = 30;
  vehicleData: Record<string, unknown> = {
    vehicle_state: { odometer: 12_345.6, timestamp: 0 },
    charge_state: { battery_level: 80 },
    drive_state: { shift_state: null },
  };
  private server: Server | null = null;
  private readonly drips = new Set<NodeJS.Timeout>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const t of this.drips) clearInterval(t);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '').split('?')[0]!;
    this.requests.push(path);
    const command = /^\/api\/1\/vehicles\/([^/]+)\/command\/([a-z_]+)$/.exec(path);
    if (command) {
      const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      this.received.push({ vin: command[1]!, command: command[2]!, body, mayHaveRun: this.commandFault !== 'rate_limited' });
      return this.answer(res, this.commandFault, { response: { result: true, reason: '' } });
    }
    const data = /^\/api\/1\/vehicles\/([^/]+)\/vehicle_data$/.exec(path);
    if (data) return this.answer(res, this.dataFault, { response: { vin: data[1], state: 'online', ...this.vehicleData } });
    const vehicle = /^\/api\/1\/vehicles\/([^/]+)$/.exec(path);
    if (vehicle) return this.answer(res, this.stateFault, { response: { vin: vehicle[1], display_name: 'Faulty', state: 'online' } });
    if (path === '/api/1/vehicles')
      return this.answer(res, this.stateFault, { response: [{ vin: '5YJ3E7EB0SF000001', display_name: 'Faulty', state: 'online' }], count: 1 });
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ response: null, error: 'not_found' }));
  }

  private answer(res: ServerResponse, fault: TeslaFault, good: unknown): void {
    const json = (status: number, body: string, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
    switch (fault) {
      case 'none':
        return void json(200, JSON.stringify(good));
      case 'html':
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      case 'truncated_json':
        return void json(200, JSON.stringify(good).slice(0, 17));
      case 'empty':
        return void json(200, '');
      case 'wrong_shape':
        return void json(200, JSON.stringify({ response: { ok: 1 }, data: [1, 2] }));
      case 'status_500':
        return void json(500, JSON.stringify({ response: null, error: 'internal error' }));
      case 'status_503':
        return void json(503, JSON.stringify({ response: null, error: 'upstream timeout' }));
      case 'rate_limited':
        return void res
          .writeHead(429, { 'retry-after': String(this.retryAfterSeconds), 'content-type': 'text/plain' })
          .end(`Retry in ${this.retryAfterSeconds} seconds`);
      case 'reset':
        return void res.socket?.destroy();
      case 'slow_drip': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{');
        const drip = setInterval(() => res.write(' '), 200);
        this.drips.add(drip);
        res.on('close', () => {
          clearInterval(drip);
          this.drips.delete(drip);
        });
        return;
      }
    }
  }
}
