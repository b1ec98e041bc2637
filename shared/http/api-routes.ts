import type { ApiDeps } from './api-deps';
import type { Route } from './router';
import { automationRoutes } from './routes/automation-routes';
import { commandRoutes } from './routes/command-routes';
import { notificationRoutes } from './routes/notification-routes';
import { historyRoutes } from './routes/history-routes';
import { invoiceRoutes } from './routes/invoice-routes';
import { tyreRoutes } from './routes/tyre-routes';
import { batteryRoutes } from './routes/battery-routes';
import { logbookRoutes } from './routes/logbook-routes';
import { odometerRoutes } from './routes/odometer-routes';
import { placeRoutes } from './routes/place-routes';
import { systemRoutes } from './routes/system-routes';
import { usageRoutes } from './routes/usage-routes';
import { streamingRoutes } from './routes/streaming-routes';
import { vehicleRoutes } from './routes/vehicle-routes';

/** Every route of the HTTP API. */
export function apiRoutes(deps: ApiDeps): Route[] {
  return [
    ...systemRoutes(deps),
    ...vehicleRoutes(deps),
    ...odometerRoutes(deps),
    ...historyRoutes(deps),
    ...invoiceRoutes(deps),
    ...tyreRoutes(deps),
    ...batteryRoutes(deps),
    ...logbookRoutes(deps),
    ...usageRoutes(deps),
    ...streamingRoutes(deps),
    ...commandRoutes(deps),
    ...automationRoutes(deps),
    ...notificationRoutes(deps),
    ...placeRoutes(deps),
  ];
}
