import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { lambdaBuildOptions } from '../cdk/lambda-bundle';
import { nodeOptionsFor, type StackMapping } from '../cdk/node-lambda';

/**
 * `npm run bench:lambda`: each function bundled exactly as the stack bundles it (`lambdaBuildOptions`), then what
 * a cold start parses (the entry and the chunks it imports statically), the whole package, its source maps, and how
 * long importing it takes (cold start before the first event) next to a bare `node -e 0`.
 */
/** As the stack deploys them: the API maps the stacks it logs itself; the others let Node map every stack. */
const FUNCTIONS: Array<{ name: string; stackMapping: StackMapping }> = [
  { name: 'api', stackMapping: 'when-logged' },
  { name: 'collector', stackMapping: 'node' },
  { name: 'token-rotation', stackMapping: 'node' },
  { name: 'automation-runner', stackMapping: 'node' },
  { name: 'stream-recorder', stackMapping: 'node' },
];
const RUNS = 11;
const ENV = {
  ...process.env,
  TABLE_NAME: 'bench',
  TESLA_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:t',
  API_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:a',
  AWS_REGION: 'eu-west-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Wall time of one node process (ms). */
function timeNode(args: string[]): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { env: ENV, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr.slice(0, 400)}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * The import's time and a bare `node -e 0`'s, run in turns RUNS times so that both see the same machine load; the
 * ratio is the median of each turn's ratio.
 */
function timeAgainstBare(args: string[]): { importMs: number; bareMs: number; ratio: number } {
  const turns = Array.from({ length: RUNS }, () => {
    const bareMs = timeNode(['-e', '0']);
    return { bareMs, importMs: timeNode(args) };
  });
  return { importMs: median(turns.map((t) => t.importMs)), bareMs: median(turns.map((t) => t.bareMs)), ratio: median(turns.map((t) => t.importMs / t.bareMs)) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(process.cwd(), 'node_modules', '.bench-lambda-'));
  console.log(
    `${'function'.padEnd(28)} ${'cold parse'.padStart(10)} ${'package'.padStart(9)} ${'files'.padStart(6)} ${'maps'.padStart(9)} ${'import'.padStart(8)} ${'bare'.padStart(7)} ${'× bare'.padStart(7)}`,
  );
  // Each function as the stack bundles it (split into chunks), and as one file with the same options: what the
  // splitting itself buys, apart from bundling the SDK, zod as a namespace and lazy schemas, which both have.
  const variants = FUNCTIONS.flatMap((f) => [
    { ...f, label: f.name, split: true },
    { ...f, label: `${f.name} (one file)`, split: false },
  ]);
  for (const { name, label, split, stackMapping } of variants) {
    const outdir = join(dir, label.replace(/\W+/g, '-'));
    const options = lambdaBuildOptions(join('functions', name, 'handler.ts'), outdir);
    const { metafile } = await build(split ? options : { ...options, splitting: false });
    const files = listFiles(outdir);
    const bytes = (list: string[]): number => list.reduce((sum, f) => sum + statSync(f).size, 0);
    const code = files.filter((f) => f.endsWith('.mjs'));
    const importer = join(dir, `${label.replace(/\W+/g, '-')}-import.mjs`);
    writeFileSync(importer, `await import(${JSON.stringify(join(outdir, 'index.mjs'))});\n`);
    const timed = timeAgainstBare([...nodeOptionsFor(stackMapping), importer]);
    const kib = (n: number): string => `${(n / 1024).toFixed(0)} KiB`;
    console.log(
      `${label.padEnd(28)} ${kib(coldParseBytes(metafile!, outdir)).padStart(10)} ${kib(bytes(code)).padStart(9)} ${String(code.length).padStart(6)} ${kib(bytes(files.filter((f) => f.endsWith('.map')))).padStart(9)} ${`${timed.importMs.toFixed(0)} ms`.padStart(8)} ${`${timed.bareMs.toFixed(0)} ms`.padStart(7)} ${timed.ratio.toFixed(2).padStart(7)}`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  console.log('\n(cold parse: the entry and every chunk it imports statically, what a cold start must parse; the other chunks load');
  console.log(' on the first request that needs them. import: until the module has loaded, with the Node options the function');
  console.log(` runs with, in turns with a bare node -e 0; medians of ${RUNS}. Target for the API function ≤ 2× bare node)`);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Bytes of the entry chunk and of everything it imports statically, transitively. */
function coldParseBytes(metafile: Metafile, outdir: string): number {
  const outputs = new Map(Object.entries(metafile.outputs).map(([path, output]) => [relative(outdir, path), output]));
  const seen = new Set<string>();
  const visit = (path: string): void => {
    const output = outputs.get(path);
    if (output === undefined || seen.has(path)) return;
    seen.add(path);
    for (const i of output.imports) if (i.kind === 'import-statement' && !i.external) visit(relative(outdir, i.path));
  };
  visit('index.mjs');
  return [...seen].reduce((sum, path) => sum + outputs.get(path)!.bytes, 0);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
