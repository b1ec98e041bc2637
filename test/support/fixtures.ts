import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Real Tesla response bodies captured by other projects (see ../shared/fixtures/tesla/SOURCES.md). */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'fixtures', 'tesla');

export function teslaFixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export function teslaFixtureJson<T = unknown>(name: string): T {
  return JSON.parse(teslaFixture(name)) as T;
}
