/** Metric names shared by the functions that emit them and the stack that alarms on them. */
export const METRICS_NAMESPACE = 'TeslaFleetLogger';
export const ROTATION_SERVICE = 'token-rotation';
export const COLLECTOR_SERVICE = 'collector';
export const API_SERVICE = 'api';
export const AUTOMATION_SERVICE = 'automation-runner';
export const STREAM_SERVICE = 'stream-recorder';
export const METRIC = {
  tokenRotationFailures: 'TokenRotationFailures',
  teslaLoginRequired: 'TeslaLoginRequired',
  snapshotsWritten: 'SnapshotsWritten',
  /** With a `category` dimension: data, command, wake, free. */
  fleetRequests: 'FleetRequests',
  budgetUsedPercent: 'BudgetUsedPercent',
  commandFailures: 'CommandFailures',
  /** Cars online without a fresh reading for hours, or failing pass after pass (Maximum per hour). */
  vehiclesNeedingAttention: 'VehiclesNeedingAttention',
  /** Automation occurrences that ended in an error or a refusal (not skips). */
  automationFailures: 'AutomationFailures',
  /** Streamed records left out: unreadable, for a car not the owner's, or older than one recorded. */
  streamRecordsLeftOut: 'StreamRecordsLeftOut',
} as const;
