import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { driveProfileSchema } from '../../../infra/simulator/drive-profile';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../infra/bench/profiles');

describe('the drive profiles shipped for bench:month --profile', () => {
  it('all load with the documented schema, and each drives somewhere', async () => {
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const parsed = driveProfileSchema.safeParse(JSON.parse(await readFile(join(DIR, file), 'utf8')));
      expect({ file, error: parsed.error?.message }).toEqual({ file, error: undefined });
      expect({ file, drives: parsed.data!.segments.some((s) => s.activity === 'drive') }).toEqual({ file, drives: true });
    }
  });
});
