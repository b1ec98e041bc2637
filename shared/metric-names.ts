/** Metric names shared by the functions that emit them and the stack that alarms on them. */
export const METRICS_NAMESPACE = 'TeslaFleetLogger';
export const ROTATION_SERVICE = 'token-rotation';
export const METRIC = {
  tokenRotationFailures: 'TokenRotationFailures',
  teslaLoginRequired: 'TeslaLoginRequired',
} as const;
