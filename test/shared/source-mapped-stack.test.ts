import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { sourceMappedStack } from '../../shared/source-mapped-stack';

/**
 * A minified ES module bundle with its map, as the functions ship, built from two small TypeScript files, and the
 * stack it throws when run by plain node (jest would map the stack itself).
 */
async function bundledThrower(): Promise<{ dir: string; stack: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'mapped-stack-'));
  await writeFile(
    join(dir, 'helper.ts'),
    ['export function check(n: number): number {', '  if (n > 2) {', "    throw new Error('too big');", '  }', '  return n;', '}', ''].join('\n'),
  );
  await writeFile(
    join(dir, 'entry.ts'),
    ["import { check } from './helper';", '', 'export async function run(): Promise<void> {', '  check(3);', '}', ''].join('\n'),
  );
  await build({
    entryPoints: [join(dir, 'entry.ts')],
    outfile: join(dir, 'out', 'index.mjs'),
    bundle: true,
    format: 'esm',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'error',
  });
  await writeFile(join(dir, 'out', 'main.mjs'), "import { run } from './index.mjs';\nawait run().catch((e) => process.stdout.write(e.stack));\n");
  const child = spawnSync(process.execPath, [join(dir, 'out', 'main.mjs')], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  return { dir, stack: child.stdout };
}

describe('sourceMappedStack', () => {
  it('points the frames of a minified bundle at the TypeScript lines that threw and called', async () => {
    const { dir, stack } = await bundledThrower();
    try {
      expect(stack).toMatch(/index\.mjs:1:\d+/);
      const mapped = sourceMappedStack(stack);
      expect(mapped).toContain('Error: too big');
      expect(mapped).toMatch(/\(helper\.ts:3:\d+\)/);
      expect(mapped).toMatch(/\(entry\.ts:4:\d+\)/);
      expect(mapped).not.toMatch(/index\.mjs:1:/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves frames alone when there is no map, the map is unreadable, or the frame is already a source', () => {
    const stack = [
      'Error: x',
      '    at f (file:///var/task/index.mjs:1:200)',
      '    at g (file:///var/task/chunks/a.mjs:1:50)',
      '    at h (/var/task/shared/x.ts:12:3)',
    ].join('\n');
    expect(sourceMappedStack(stack, () => null)).toBe(stack);
    expect(
      sourceMappedStack(stack, () => {
        throw new Error('EACCES');
      }),
    ).toBe(stack);
    expect(sourceMappedStack(stack, () => ({ version: 3, file: 'x', sources: [], sourcesContent: [], names: [], mappings: '', sourceRoot: '' }))).toBe(stack);
  });
});
