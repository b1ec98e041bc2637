import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from './domain/stores';

/**
 * The one structured logger. Nothing logs tokens: errors from the Tesla and token code carry no secret, and
 * request logs carry neither headers nor bodies.
 */
export const logger = new Logger({ serviceName: 'tesla-fleet-logger' });

/** The logger as the domain's Log port. */
export const log: Log = {
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
};
