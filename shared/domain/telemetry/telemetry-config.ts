/**
 * A car's Fleet Telemetry configuration, as Tesla's API keeps it: where the car streams to, which signals, and until
 * when. Created with a configuration the app's key signed (a `Tesla.SS256` JWS, see shared/vcp/tesla-jws); read and
 * deleted per car. Tesla takes up to ~25 minutes to bring a car in line (`synced`).
 */
export interface TelemetryConfig {
  hostname: string;
  port: number;
  /** The PEM chain of the CA that signed the receiver's certificate, when it is not a public one. */
  ca?: string;
  /** Expiry, seconds since the epoch: the car stops streaming after it. */
  exp: number;
  fields: Record<string, { interval_seconds: number; minimum_delta?: number; resend_interval_seconds?: number }>;
  alert_types?: string[];
}

/** What `GET /api/1/vehicles/{vin}/fleet_telemetry_config` says of a car. */
export interface TelemetryConfigStatus {
  /** The car runs the configuration Tesla holds for this app. */
  synced: boolean;
  /** This app's configuration, or null: none, or the car is at its limit of third-party configurations. */
  config: TelemetryConfig | null;
  /** The car holds as many third-party configurations as it accepts (Tesla then keeps `config` null silently). */
  limitReached: boolean;
  /** Whether the app's key is paired with the car, when Tesla says. */
  keyPaired: boolean | null;
}

/**
 * Why Tesla did not send a configuration to a car (`skipped_vehicles` of the create answer, by reason): Tesla names
 * `missing_key`, `unsupported_hardware`, `unsupported_firmware` and `max_configs`; another is kept as it came.
 */
export type TelemetrySkipReason = string;

export interface TelemetryConfigResult {
  updatedVehicles: number;
  skipped: Array<{ vin: string; reason: TelemetrySkipReason }>;
}

/** An error a car reported about its streaming (`fleet_telemetry_errors`): a TLS handshake it refused, say. */
export interface TelemetryError {
  vin: string;
  name: string;
  error: string;
}

/** The Fleet API's telemetry configuration endpoints; each is a billed request (counted as data). */
export interface TelemetryConfigApi {
  /** `POST /api/1/vehicles/fleet_telemetry_config_jws {vins, token}`. */
  createTelemetryConfig(vins: string[], token: string): Promise<TelemetryConfigResult>;
  telemetryConfig(vin: string): Promise<TelemetryConfigStatus>;
  /** `DELETE …/fleet_telemetry_config`: the car stops streaming to this app. */
  deleteTelemetryConfig(vin: string): Promise<{ updatedVehicles: number }>;
  telemetryErrors(vin: string): Promise<TelemetryError[]>;
}
