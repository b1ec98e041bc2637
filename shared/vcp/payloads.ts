import { DOMAIN, type Domain } from './crypto';
import { ProtoWriter } from './protobuf';

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
    default:
      return null;
  }
}
