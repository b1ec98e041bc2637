import type { Finding, Verdict } from './diagnose';

const MARK: Record<Verdict, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** The findings as an owner reads them: one line each, what to do under it, and a closing count. */
export function formatReport(stackName: string, findings: Finding[]): string {
  const lines = [`npm run doctor: ${stackName}`, ''];
  for (const f of findings) {
    lines.push(`${MARK[f.verdict]}  ${f.check}: ${f.message}`);
    if (f.fix && f.verdict !== 'ok') lines.push(`      → ${f.fix}`);
  }
  const count = (v: Verdict) => findings.filter((f) => f.verdict === v).length;
  lines.push('', `${count('ok')} ok, ${count('warn')} to look at, ${count('fail')} failing`);
  return lines.join('\n');
}

/** Exit status: 1 when anything fails, so a script (or CI of the owner's) can stop on it. */
export const exitCodeOf = (findings: Finding[]): number => (findings.some((f) => f.verdict === 'fail') ? 1 : 0);
