import { parseLambdaSettings } from '../../shared/config/lambda-settings';
import { buildAwsDeps } from '../../shared/composition/aws';
import { log } from '../../shared/logger';
import { createApiHandler } from './create-handler';

// Cold start: settings are checked and adapters built once; a bad setting fails the init, loudly.
const settings = parseLambdaSettings(process.env);
const aws = buildAwsDeps(settings);

export const handler = createApiHandler(
  {
    vehicles: aws.stores,
    snapshots: aws.stores,
    usage: aws.stores,
    monthlyBudgetUsd: settings.monthlyBudgetUsd,
    fleet: aws.fleet,
    clock: aws.clock,
    log,
    allowedCommands: settings.allowedCommands,
  },
  aws.apiTokens,
);
