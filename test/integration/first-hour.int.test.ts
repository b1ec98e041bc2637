import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_SIM_VIN, SIGNED_SIM_VIN } from '../../infra/simulator/fleet-simulator';
import { answerConsent } from '../support/sim-consent';

/**
 * A newcomer's first hour, scripted: the real `npm start` process, the README's own curl lines, `npm run login --
 * --simulator` through the consent page, `npm run keys` and the pairing page it names, a signed command, and a
 * read-only token refused on a command. What the README says is what this runs.
 */
const ROOT = process.cwd();
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

interface Run {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number>;
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
}

function run(script: string, args: string[], env: Record<string, string>): Run {
  const child = spawn(TSX, [script, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (m: RegExpExecArray) => void }> = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const w of [...waiters]) {
        const match = w.pattern.exec(line);
        if (match) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(match);
        }
      }
    });
  }
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? -1)));
  return {
    child,
    lines,
    exited,
    waitFor: (pattern) => {
      for (const line of lines) {
        const match = pattern.exec(line);
        if (match) return Promise.resolve(match);
      }
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void exited.then((code) => reject(new Error(`${script} exited (${code}) before printing ${pattern}:\n${lines.join('\n')}`)));
      });
    },
  };
}

/** A document's shell block that follows `marker`, made to fail on any HTTP error and pointed at this host. */
async function readmeBlock(marker: string, host: string, dataDir: string, file = 'README.md'): Promise<string> {
  const readme = await readFile(join(ROOT, file), 'utf8');
  const from = readme.indexOf(marker);
  expect(from).toBeGreaterThan(-1);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(from))![1]!;
  return block
    .replaceAll('localhost:3000', host)
    .replaceAll('.data/', `${dataDir}/`)
    .replace(/\bcurl /g, 'curl -sSf ');
}

function bash(script: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

let dataDir: string;
let host: Run;
let url: string;
let token: string;

const api = async (method: string, path: string, bearer = token) => {
  const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${bearer}` } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'first-hour-'));
  host = run('infra/local/main.ts', [], { DATA_DIR: dataDir, PORT: '0', COLLECT_INTERVAL_SECONDS: '3600' });
  url = (await host.waitFor(/running at (http:\/\/\S+)/))[1]!;
  token = (await host.waitFor(/API token:\s+(\S+)/))[1]!;
});

afterAll(async () => {
  host.child.kill('SIGTERM');
  await host.exited;
});

describe('a newcomer’s first hour, as the README tells it', () => {
  it('npm start prints both cars, the pairing page and the token that is kept in DATA_DIR', async () => {
    expect((await readFile(join(dataDir, 'api-token'), 'utf8')).trim()).toBe(token);
    const banner = host.lines.join('\n');
    expect(banner).toContain(`${DEFAULT_SIM_VIN} Sim Model 3`);
    expect(banner).toContain(`${SIGNED_SIM_VIN} Sim Model Y`);
    expect(banner).toMatch(new RegExp(`/_ak/${new URL(url).host.replace('.', '\\.')}`));
  });

  it('the curl lines of the README and of docs/local.md work as written', async () => {
    await host.waitFor(/collect: .*7SAYGDEE5PF000002/); // the first pass has seen both cars
    const front = await bash(await readmeBlock('history at once', new URL(url).host, dataDir));
    expect({ code: front.code, out: front.out.slice(0, 2000) }).toMatchObject({ code: 0 });
    expect(front.out).toContain('"outcome":"done"');
    const { code, out } = await bash(await readmeBlock('Try it (', new URL(url).host, dataDir, 'docs/local.md'));
    expect({ code, out: out.slice(0, 2000) }).toMatchObject({ code: 0 });
    expect(out).toContain('"commandSigning":"not_required"'); // as the document's last line says
  });

  it('npm run login -- --simulator goes through the consent page, and the host uses the new login', async () => {
    const before = await readFile(join(dataDir, 'sim-tesla-tokens.json'), 'utf8');
    const login = run('infra/local/login.ts', ['--simulator', '--redirect-uri', 'http://127.0.0.1:0/callback'], { DATA_DIR: dataDir });
    const authorize = (await login.waitFor(/^(http:\/\/\S+\/oauth2\/v3\/authorize\S+)/))[1]!;
    expect(authorize).not.toContain('vehicle_location'); // only with --location
    await fetch(await answerConsent(authorize));
    expect(await login.exited).toBe(0);
    expect(login.lines.join('\n')).toMatch(/Signed in\. Granted scopes: openid offline_access/);
    expect(await readFile(join(dataDir, 'sim-tesla-tokens.json'), 'utf8')).not.toBe(before);
    // The old chain is over; the running host picks up the new one.
    expect((await api('POST', '/local/collect')).status).toBe(200);
  });

  it('a signed command to the Model Y after npm run keys and the pairing page it names', async () => {
    expect((await api('POST', `/vehicles/${SIGNED_SIM_VIN}/commands/door_lock`)).body.error.code).toBe('command_signing_required');
    const keys = run('infra/local/keys.ts', [], { DATA_DIR: dataDir });
    const pairing = (await keys.waitFor(/open (http:\/\/\S+\/_ak\/\S+) and press "Add key"/))[1]!;
    expect(await keys.exited).toBe(0);
    // The owner's browser: the page as served, every car ticked, "Add key".
    const page = await (await fetch(pairing)).text();
    const vins = [...page.matchAll(/name="vin" value="([^"]+)" checked/g)].map((m) => m[1]!);
    expect(vins).toContain(SIGNED_SIM_VIN);
    const added = await fetch(pairing, { method: 'POST', body: new URLSearchParams(vins.map((vin): [string, string] => ['vin', vin])) });
    expect(await added.text()).toContain('Sim Model Y');

    const { code, out } = await bash(`TOKEN=${token}\n${await readmeBlock('keeps its keys. Now:', new URL(url).host, dataDir, 'docs/local.md')}`);
    expect({ code, out: out.slice(0, 2000) }).toMatchObject({ code: 0 });
    expect(JSON.parse(out)).toMatchObject({ outcome: 'done', transport: 'signed' });
    expect((await api('GET', `/vehicles/${SIGNED_SIM_VIN}/state`)).body.commandSigning).toBe('required');
  });

  it('a read-only token reads, is refused a command, and the audit log names who sent each command', async () => {
    const made = run('infra/local/api-token.ts', ['--read-only', '--name', 'ha'], { DATA_DIR: dataDir });
    expect(await made.exited).toBe(0);
    const readOnly = made.lines.find((line) => line.startsWith('ro_'))!;
    expect((await api('GET', '/vehicles', readOnly)).status).toBe(200);
    const refused = await api('POST', `/vehicles/${DEFAULT_SIM_VIN}/commands/door_lock`, readOnly);
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 403, code: 'forbidden_for_token' });
    const audit = (await api('GET', `/vehicles/${SIGNED_SIM_VIN}/commands`, readOnly)).body.commands as Array<{
      transport: string | null;
      caller: { token: string };
    }>;
    expect(audit.find((c) => c.transport === 'signed')?.caller.token).toBe('owner');
    expect(await readFile(join(dataDir, 'read-tokens.json'), 'utf8')).not.toContain(readOnly);
  });

  it('a second instance on the same port says so in one line, naming PORT', async () => {
    const second = run('infra/local/main.ts', [], { DATA_DIR: await mkdtemp(join(tmpdir(), 'second-')), PORT: new URL(url).port });
    expect(await second.exited).toBe(1);
    const failure = second.lines.filter((line) => line.startsWith('failed to start'));
    expect(failure).toHaveLength(1);
    expect(failure[0]).toMatch(/PORT=/);
  });
});
