/**
 * The Kinesis "streams" fleet-telemetry's dispatcher writes to (`kinesis.streams`, by record topic), which the bridge
 * accepts and names on each queued record (the `stream` message attribute), so the recorder knows which it holds:
 * vehicle data (`V`), and the receiver's own connectivity events (a car connected or disconnected).
 */
export const RECORD_STREAMS = { V: 'tesla-V', connectivity: 'tesla-connectivity' } as const;
