import { parseArgs } from 'node:util';
import { diagnose } from '../doctor/diagnose';
import { doctorClients, gatherFacts, httpGet } from '../doctor/gather-facts';
import { exitCodeOf, formatReport } from '../doctor/report';

const USAGE = `npm run doctor -- [--stack-name NAME] [--region REGION] [--json]

Checks the deployed stack with your AWS credentials, read-only, and says what works and what to do: the API answers,
the public key is served, the Tesla token secret's rotation is sane, the collector's last run (or why it could not
run: not logged in, login lost, a car's problem), alarm e-mail confirmed, the schedule group, failed runs parked,
and with streaming on, that the receiver's host name leads to it and its certificate verifies against its CA.
It reads no secret's value and prints none. Exit status 1 when a check fails.
--stack-name  default TeslaFleetLogger
--region      default AWS_REGION or your profile's region`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'stack-name': { type: 'string' }, region: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) return console.log(USAGE);
  const stackName = values['stack-name'] ?? 'TeslaFleetLogger';
  const facts = await gatherFacts(stackName, doctorClients(values.region), httpGet, Date.now());
  const findings = diagnose(facts);
  console.log(values.json ? JSON.stringify(findings, null, 2) : formatReport(stackName, findings));
  process.exitCode = exitCodeOf(findings);
}

main().catch((error: unknown) => {
  console.error(`doctor failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
