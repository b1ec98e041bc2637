import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { LAMBDA_BUNDLING } from '../cdk/node-lambda';

/**
 * `npm run bench:lambda`: each function bundled exactly as the stack bundles it, then its size, its source map's
 * size, and how long importing it takes (cold start before the first event) next to a bare `node -e 0`. The AWS SDK
 * is bundled, as the stack bundles it.
 */
const FUNCTIONS = ['api', 'collector', 'token-rotation', 'automation-runner'];
const RUNS = 7;
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

/** Wall time of a node process, median of RUNS. */
function timeNode(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, args, { env: ENV, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr.slice(0, 400)}`);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(times);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(process.cwd(), 'node_modules', '.bench-lambda-'));
  const bare = timeNode(['-e', '0']);
  console.log(`bare node -e 0: ${bare.toFixed(0)} ms (median of ${RUNS})\n`);
  console.log(`${'function'.padEnd(20)} ${'bundle'.padStart(9)} ${'map'.padStart(9)} ${'import'.padStart(9)} ${'× bare'.padStart(7)}`);
  for (const name of FUNCTIONS) {
    const outfile = join(dir, `${name}.mjs`);
    await build({
      entryPoints: [join('functions', name, 'handler.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: LAMBDA_BUNDLING.target,
      minify: LAMBDA_BUNDLING.minify,
      sourcemap: true,
      sourcesContent: LAMBDA_BUNDLING.sourcesContent,
      mainFields: [...LAMBDA_BUNDLING.mainFields],
      external: LAMBDA_BUNDLING.bundleAwsSdk ? [] : ['@aws-sdk/*'],
      banner: { js: LAMBDA_BUNDLING.banner },
      outfile,
      logLevel: 'error',
    });
    const importer = join(dir, `${name}-import.mjs`);
    writeFileSync(importer, `await import(${JSON.stringify(outfile)});\n`);
    const imported = timeNode(['--enable-source-maps', importer]);
    const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
    console.log(`${name.padEnd(20)} ${kib(statSync(outfile).size).padStart(9)} ${kib(statSync(`${outfile}.map`).size).padStart(9)} ${`${imported.toFixed(0)} ms`.padStart(9)} ${(imported / bare).toFixed(1).padStart(7)}`);
  }
  rmSync(dir, { recursive: true, force: true });
  console.log('\n(import: node --enable-source-maps, as the functions run, until the module has loaded; target for the API function ≤ 2× bare node)');
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
