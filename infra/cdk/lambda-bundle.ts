import { buildSync, type BuildOptions, type OutputFile } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { AssetHashType } from 'aws-cdk-lib';
import { Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';

/** The functions' runtime; the bundle's language target is derived from it, so the two cannot drift. */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;
/** `node24` for `nodejs24.x`: what esbuild may leave untranspiled. */
export const BUNDLE_TARGET = `node${/^nodejs(\d+)\.x$/.exec(LAMBDA_RUNTIME.name)![1]!}`;

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * How every function is bundled: the stack (through `bundleLambda`) and `npm run bench:lambda` use these options.
 *
 * - **Split into chunks** (ES modules): what a path loads with `import()` (undici for Tesla, the OpenAPI document,
 *   the dashboard's files, the SNS and Scheduler clients) is a file of its own, parsed only when that path first
 *   runs. A cold start for a history query then parses about a quarter of the code. The CDK's `NodejsFunction`
 *   cannot split (it bundles to one file), so the stack bundles with esbuild itself.
 * - **The AWS SDK is bundled** from its ES modules, tree-shaken, instead of loaded from the runtime's copy: Node
 *   then runs no CommonJS export analysis over hundreds of SDK files.
 * - **Source maps** keep file and line for stack traces (`--enable-source-maps`), one per chunk, without the sources
 *   themselves, which would triple the package.
 */
export function lambdaBuildOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: { index: join(PROJECT_ROOT, entry) },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    target: BUNDLE_TARGET,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    // ESM bundles of CommonJS dependencies still call require().
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'error',
    metafile: true,
  };
}

/**
 * What esbuild produced, per entry and per path from the output folder to the project (the maps name their sources
 * by that path, so the same path means the same bytes). One process synthesizing several stacks, as the stack tests
 * do, bundles each function once.
 */
const built = new Map<string, { outdir: string; files: OutputFile[] }>();

/** Bundles one function (`entry`, relative to the project root) into `outdir`: `index.mjs`, its chunks and maps. */
export function bundleLambda(entry: string, outdir: string): void {
  const key = `${entry}\0${relative(outdir, PROJECT_ROOT)}`;
  let bundle = built.get(key);
  if (bundle === undefined) {
    bundle = { outdir, files: buildSync({ ...lambdaBuildOptions(entry, outdir), write: false }).outputFiles };
    built.set(key, bundle);
  }
  for (const file of bundle.files) {
    const target = join(outdir, relative(bundle.outdir, file.path));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.contents);
  }
}

/** The function's code asset, bundled locally at synth (no Docker), hashed on what it produced. */
export function bundledCode(entry: string): Code {
  return Code.fromAsset(PROJECT_ROOT, bundledAssetOptions(entry));
}

/** A program bundled the same way for somewhere else than Lambda (the streaming receiver's bridge): a zip in S3. */
export function bundledAsset(scope: Construct, id: string, entry: string): Asset {
  return new Asset(scope, id, { path: PROJECT_ROOT, ...bundledAssetOptions(entry) });
}

function bundledAssetOptions(entry: string) {
  return {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws. The type asks for an image: the runtime's own.
      image: LAMBDA_RUNTIME.bundlingImage,
      // The CDK caches bundles by these options (the local bundler's code is not part of the key): without the entry
      // here, every function would get the first function's bundle.
      command: ['bundle', entry],
      local: {
        tryBundle(outputDir: string): boolean {
          bundleLambda(entry, outputDir);
          return true;
        },
      },
    },
  };
}
