import { DOMAIN, type Domain } from './crypto';
import { fieldReader, ProtoWriter, readFields } from './protobuf';

/** A command as the car's domain takes it: which domain, and the protobuf payload. */
export interface DomainPayload {
  domain: Domain;
  payload: Buffer;
}

// CarServer.Action{vehicleAction=2}; VehicleAction oneof numbers (car_server.proto).
const carServer = (field: number, inner: (w: ProtoWriter) => void): DomainPayload => ({
  domain: DOMAIN.infotainment,
  payload: new ProtoWriter().message(2, (va) => va.message(field, inner)).finish(),
});
// VCSEC.UnsignedMessage oneof numbers (vcsec.proto).
const vcsec = (build: (w: ProtoWriter) => void): DomainPayload => {
  const w = new ProtoWriter();
  build(w);
  return { domain: DOMAIN.vehicleSecurity, payload: w.finish() };
};

const RKE = { unlock: 0, lock: 1, remoteDrive: 20 } as const;
const CLOSURE = { rearTrunk: 5, frontTrunk: 6 } as const;
const MOVE = 1;

/**
 * Signed-protocol payloads for the commands the reference documents. A command not listed here has no signed encoding
 * yet (it returns null) and goes by REST where the car still accepts that.
 */
export function signedPayload(command: string, body: Record<string, unknown>): DomainPayload | null {
  switch (command) {
    case 'door_lock':
      return vcsec((w) => w.uint(2, RKE.lock));
    case 'door_unlock':
      return vcsec((w) => w.uint(2, RKE.unlock)); // 0 is written: it is a oneof member
    case 'remote_start_drive':
      return vcsec((w) => w.uint(2, RKE.remoteDrive));
    case 'actuate_trunk':
      return vcsec((w) => w.message(4, (c) => c.uint(body.which_trunk === 'front' ? CLOSURE.frontTrunk : CLOSURE.rearTrunk, MOVE)));
    case 'auto_conditioning_start':
      return carServer(10, (h) => h.uint(1, true));
    case 'auto_conditioning_stop':
      return carServer(10, () => undefined); // power_on=false: an empty HvacAutoAction
    case 'charge_start':
      return carServer(6, (c) => c.message(2, () => undefined));
    case 'charge_stop':
      return carServer(6, (c) => c.message(5, () => undefined));
    case 'charge_standard':
      return carServer(6, (c) => c.message(3, () => undefined));
    case 'charge_max_range':
      return carServer(6, (c) => c.message(4, () => undefined));
    case 'set_charge_limit':
      return carServer(5, (l) => l.uint(1, Number(body.percent)));
    case 'set_temps':
      return carServer(14, (t) => t.float(6, Number(body.driver_temp)).float(7, Number(body.passenger_temp)));
    case 'flash_lights':
      return carServer(26, () => undefined);
    case 'honk_horn':
      return carServer(27, () => undefined);
    case 'set_sentry_mode':
      return carServer(30, (m) => m.uint(1, body.on === true));
    case 'window_control':
      return carServer(34, (w) => w.message(body.command === 'close' ? 4 : 3, () => undefined));
    case 'remote_seat_heater_request':
      return carServer(36, (h) =>
        h.message(1, (a) =>
          a.message(SEAT_LEVEL_FIELD + Number(body.level), () => undefined).message(SEAT_POSITION_FIELD + Number(body.seat_position), () => undefined),
        ),
      );
    case 'set_charging_amps':
      return carServer(43, (a) => a.uint(1, Number(body.charging_amps)));
    case 'charge_port_door_close':
      return carServer(61, () => undefined);
    case 'charge_port_door_open':
      return carServer(62, () => undefined);
    default:
      return null;
  }
}

/** HvacSeatHeaterAction: level OFF..HIGH are fields 2..5 (REST level 0..3); positions are 7..15 (REST seat 0..8). */
const SEAT_LEVEL_FIELD = 2;
const SEAT_POSITION_FIELD = 7;

/** VehicleAction fields that carry no parameters, and the command each is. */
const EMPTY_ACTIONS: Record<number, string> = { 26: 'flash_lights', 27: 'honk_horn', 61: 'charge_port_door_close', 62: 'charge_port_door_open' };

/** The reverse of signedPayload: what a car makes of a payload (the simulator uses it). Null when unknown. */
export function decodeSignedPayload(domain: number, payload: Buffer): { command: string; body: Record<string, unknown> } | null {
  const top = readFields(payload);
  if (domain === DOMAIN.vehicleSecurity) {
    const rke = top.get(2)?.[0];
    if (rke?.wireType === 0) {
      const action = Number(rke.value);
      const name = action === RKE.lock ? 'door_lock' : action === RKE.unlock ? 'door_unlock' : action === RKE.remoteDrive ? 'remote_start_drive' : null;
      return name ? { command: name, body: {} } : null;
    }
    const closure = top.get(4)?.[0];
    if (closure?.wireType === 2) {
      const which = readFields(closure.value);
      if (which.has(CLOSURE.frontTrunk)) return { command: 'actuate_trunk', body: { which_trunk: 'front' } };
      if (which.has(CLOSURE.rearTrunk)) return { command: 'actuate_trunk', body: { which_trunk: 'rear' } };
    }
    return null;
  }
  const action = top.get(2)?.[0];
  if (action?.wireType !== 2) return null;
  const vehicleAction = readFields(action.value);
  const hvac = vehicleAction.get(10)?.[0];
  if (hvac?.wireType === 2)
    return { command: fieldReader(readFields(hvac.value)).uint(1) === 1 ? 'auto_conditioning_start' : 'auto_conditioning_stop', body: {} };
  const limit = vehicleAction.get(5)?.[0];
  if (limit?.wireType === 2) return { command: 'set_charge_limit', body: { percent: fieldReader(readFields(limit.value)).uint(1) ?? 0 } };
  const [field, first] = [...vehicleAction.entries()][0] ?? [];
  const inner = first?.[0]?.wireType === 2 ? fieldReader(readFields(first[0].value)) : null;
  if (field !== undefined && EMPTY_ACTIONS[field]) return { command: EMPTY_ACTIONS[field], body: {} };
  if (field === 14 && inner) return { command: 'set_temps', body: { driver_temp: round1(inner.float(6)), passenger_temp: round1(inner.float(7)) } };
  if (field === 30 && inner) return { command: 'set_sentry_mode', body: { on: inner.uint(1) === 1 } };
  if (field === 34 && inner) return { command: 'window_control', body: { command: inner.has(4) ? 'close' : 'vent' } };
  if (field === 43 && inner) return { command: 'set_charging_amps', body: { charging_amps: inner.uint(1) ?? 0 } };
  if (field === 36 && inner?.bytes(1)) {
    const keys = [...readFields(inner.bytes(1)!).keys()];
    const level = keys.find((k) => k >= SEAT_LEVEL_FIELD && k < SEAT_POSITION_FIELD);
    const position = keys.find((k) => k >= SEAT_POSITION_FIELD);
    if (level !== undefined && position !== undefined)
      return { command: 'remote_seat_heater_request', body: { seat_position: position - SEAT_POSITION_FIELD, level: level - SEAT_LEVEL_FIELD } };
  }
  const charging = vehicleAction.get(6)?.[0];
  if (charging?.wireType === 2) {
    const kind = readFields(charging.value);
    const names: Record<number, string> = { 2: 'charge_start', 3: 'charge_standard', 4: 'charge_max_range', 5: 'charge_stop' };
    const field = [...kind.keys()][0];
    return field !== undefined && names[field] ? { command: names[field], body: {} } : null;
  }
  return null;
}

/** CarServer.Response{actionStatus{result (0 OK, 1 ERROR), result_reason{plain_text}}}. */
export function encodeCarServerResponse(ok: boolean, reason: string): Buffer {
  return new ProtoWriter()
    .message(1, (s) => {
      s.uint(1, ok ? 0 : 1);
      if (reason) s.message(2, (r) => r.bytes(1, Buffer.from(reason)));
    })
    .finish();
}

export function decodeCarServerResponse(payload: Buffer): { ok: boolean; reason: string } {
  const status = fieldReader(readFields(payload)).bytes(1);
  if (!status) return { ok: true, reason: '' };
  const s = fieldReader(readFields(status));
  const reason = s.bytes(2);
  return { ok: (s.uint(1) ?? 0) === 0, reason: reason ? (fieldReader(readFields(reason)).bytes(1)?.toString('utf8') ?? '') : '' };
}

function round1(value: number | undefined): number {
  return Math.round((value ?? 0) * 10) / 10;
}
