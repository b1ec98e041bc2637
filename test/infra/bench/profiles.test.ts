import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { driveProfileSchema } from '../../../infra/simulator/drive-profile';

const DIR = join(import.meta.dirname, '../../../infra/bench/profiles');

describe('the drive profiles shipped for bench:month --profile', () => {
  it('all load with the documented schema, and each drives somewhere', async () => {
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const parsed = driveProfileSchema.safeParse(JSON.parse(await readFile(join(DIR, file), 'utf8')));
      expect(parsed.success, `${file}: ${parsed.error?.message ?? ''}`).toBe(true);
      expect(parsed.data!.segments.some((s) => s.activity === 'drive'), file).toBe(true);
    }
  });
});
