import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The AWS CLI's `ssm get-parameter` and `put-parameter` as the receiver's scripts use them, over a folder: get fails
 * for a name never put (ParameterNotFound), put honours --value file://. Returns the folder holding the `aws` script.
 */
export function fakeAwsCli(store: string): string {
  const bin = mkdtempSync(join(tmpdir(), 'fake-aws-'));
  const script = `#!/usr/bin/env bash
set -e
op="$2"; shift 2
name=""; value=""
while [ $# -gt 0 ]; do
  case "$1" in
    --name) name="$2"; shift 2;;
    --value) value="$2"; shift 2;;
    *) shift;;
  esac
done
file="${store}/$(echo "$name" | tr / _)"
if [ "$op" = get-parameter ]; then
  [ -f "$file" ] || { echo "An error occurred (ParameterNotFound)" >&2; exit 254; }
  cat "$file"
else
  cp "\${value#file://}" "$file"
  echo '{"Version": 1}'
fi
`;
  writeFileSync(join(bin, 'aws'), script);
  chmodSync(join(bin, 'aws'), 0o755);
  return bin;
}

/** Runs the receiver's TLS commands with real openssl and the fake CLI, in a TMPDIR of their own (returned). */
export function runTlsCommands(commands: readonly string[], store: string): string {
  const bin = fakeAwsCli(store);
  const scratch = mkdtempSync(join(tmpdir(), 'scratch-'));
  execFileSync('bash', ['-c', ['set -euo pipefail', ...commands].join('\n')], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, TMPDIR: scratch },
    stdio: 'pipe',
  });
  return scratch;
}
