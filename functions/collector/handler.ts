import { parseLambdaSettings } from '../../shared/config/lambda-settings';
import { buildAwsDeps } from '../../shared/composition/aws';
import { log } from '../../shared/logger';
import { createCollectorHandler } from './create-handler';

const settings = parseLambdaSettings(process.env);
const aws = buildAwsDeps(settings);

export const handler = createCollectorHandler({
  fleet: aws.fleet,
  vehicles: aws.stores,
  snapshots: aws.stores,
  usage: aws.stores,
  monthlyBudgetUsd: settings.monthlyBudgetUsd,
  clock: aws.clock,
  log,
  includeLocation: settings.includeLocation,
});
