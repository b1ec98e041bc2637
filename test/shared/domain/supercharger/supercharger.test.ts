import { describe, expect, it } from '@jest/globals';
import type { ChargingSession } from '../../../../shared/domain/history/history-records';
import { MissingScopeError, UnexpectedFleetResponseError } from '../../../../shared/domain/fleet-errors';
import {
  decideBillingRead,
  GIVE_UP_MS,
  MIN_READ_GAP_MS,
  REFUSED_RETRY_MS,
  RETRY_MS,
  QUIET_MS,
} from '../../../../shared/domain/supercharger/billing-read-policy';
import { matchSessions } from '../../../../shared/domain/supercharger/match-sessions';
import { syncSuperchargerBilling } from '../../../../shared/domain/supercharger/sync-billing';
import { syncBillingOfCars } from '../../../../shared/domain/supercharger/billing-pass';
import { billOf, type TeslaChargingRecord } from '../../../../shared/domain/supercharger/tesla-charging-record';
import { FakeFleetApi } from '../../../support/fake-fleet-api';
import { MemoryBillingStore } from '../../../support/memory-billing-store';
import { MemoryHistoryStore } from '../../../support/memory-history-store';

const VIN = '5YJ3E7EB0SF000001';
const T = Date.parse('2026-06-10T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

/** A derived session read every 5 minutes: seen charging from `startMin` to `lastMin` (minutes after T). */
function session(id: string, startMin: number, lastMin: number, kind: ChargingSession['kind'] = 'dc', readings = 6): ChargingSession {
  return {
    vin: VIN,
    id,
    startedAfter: T + (startMin - 5) * MIN,
    start: { at: T + startMin * MIN, batteryLevel: 20 },
    lastChargingAt: T + lastMin * MIN,
    endBy: T + (lastMin + 5) * MIN,
    end: { at: T + (lastMin + 5) * MIN, batteryLevel: 80 },
    energyAddedKwh: 40,
    peakPowerKw: 200,
    kind,
    location: null,
    durationMs: (lastMin - startMin + 10) * MIN,
    readings,
  };
}

function record(sessionId: string, startMin: number, stopMin: number, fees: TeslaChargingRecord['fees'] = [fee('charging', 19.2)]): TeslaChargingRecord {
  return {
    sessionId,
    vin: VIN,
    site: 'Somewhere, CA',
    startAt: T + startMin * MIN,
    stopAt: T + stopMin * MIN,
    unlatchAt: null,
    fees,
    invoiceIds: ['inv-' + sessionId],
  };
}

function fee(type: 'charging' | 'parking', amount: number, currency = 'USD') {
  return { type, amount, currency, usage: null, rate: null, unit: null } as const;
}

describe('matching derived DC sessions with Tesla’s records', () => {
  it('pairs a session with the record that starts and stops within its bounds', () => {
    const matched = matchSessions([session('a', 0, 30)], [record('1', -2, 32)]);
    expect(matched.get('a')?.sessionId).toBe('1');
  });

  it('leaves a session unpaired when no record fits: a wrong bill is worse than none', () => {
    // Started an hour before the session's readings allow, and stopped long after.
    expect(matchSessions([session('a', 0, 30)], [record('1', -60, 32)]).size).toBe(0);
    expect(matchSessions([session('a', 0, 30)], [record('1', 0, 120)]).size).toBe(0);
  });

  it('never pairs AC sessions, and pairs each record once (closest start first)', () => {
    const sessions = [session('ac', 0, 30, 'ac'), session('x', 100, 130), session('y', 104, 134)];
    const matched = matchSessions(sessions, [record('1', 99, 131), record('2', 103, 135)]);
    expect(matched.has('ac')).toBe(false);
    expect(matched.get('x')?.sessionId).toBe('1');
    expect(matched.get('y')?.sessionId).toBe('2');
  });

  it('pairs a session no reading saw charging anywhere between its two readings', () => {
    const unseen = { ...session('u', 0, 0, 'unknown', 0), startedAfter: T, start: { at: T, batteryLevel: 20 }, lastChargingAt: T, endBy: T + 3 * HOUR };
    expect(matchSessions([unseen], [record('1', 60, 100)]).get('u')?.sessionId).toBe('1');
  });
});

describe('a Tesla bill', () => {
  it('adds charging and idle fees in one currency, and gives no total across currencies', () => {
    expect(billOf(record('1', 0, 30, [fee('charging', 19.2), fee('parking', 4.5)]))).toEqual({ currency: 'USD', charging: 19.2, parking: 4.5, total: 23.7 });
    expect(billOf(record('1', 0, 30, [fee('charging', 19.2), fee('parking', 4.5, 'EUR')])).total).toBeNull();
  });
});

describe('when to read the charging history', () => {
  const ended = session('a', 0, 30); // ends by T + 35 min
  const endBy = ended.endBy;

  it('waits until no DC session has ended for a while (the fees settle), then reads from just before it', () => {
    expect(decideBillingRead([ended], null, endBy + QUIET_MS - 1).read).toBe(false);
    expect(decideBillingRead([ended], null, endBy + QUIET_MS)).toEqual({ read: true, fromMs: ended.startedAfter - HOUR, toMs: endBy + QUIET_MS });
  });

  it('reads a road trip’s stops together: a second stop within the quiet time postpones the read', () => {
    const second = session('b', 150, 175);
    expect(decideBillingRead([ended, second], null, endBy + QUIET_MS).read).toBe(false);
    expect(decideBillingRead([ended, second], null, second.endBy + QUIET_MS).read).toBe(true);
  });

  it('never reads for AC sessions', () => {
    expect(decideBillingRead([session('ac', 0, 30, 'ac')], null, endBy + 2 * QUIET_MS).read).toBe(false);
  });

  it('after a read, waits a day for a session still unbilled, and gives up after a week', () => {
    const readAt = endBy + QUIET_MS;
    const sync = { lastReadAt: readAt, refused: null };
    expect(decideBillingRead([ended], sync, readAt + RETRY_MS - 1).read).toBe(false);
    expect(decideBillingRead([ended], sync, readAt + RETRY_MS).read).toBe(true);
    expect(decideBillingRead([ended], { lastReadAt: endBy + GIVE_UP_MS - HOUR, refused: null }, endBy + GIVE_UP_MS + 1).read).toBe(false);
  });

  it('keeps reads 6 hours apart for a session that ended after the last read', () => {
    const later = session('b', 300, 330);
    const sync = { lastReadAt: later.endBy - 3 * HOUR, refused: null };
    expect(decideBillingRead([later], sync, later.endBy + QUIET_MS - 1).read).toBe(false);
    expect(decideBillingRead([later], sync, later.endBy - 3 * HOUR + MIN_READ_GAP_MS).read).toBe(false);
    expect(decideBillingRead([later], sync, later.endBy + QUIET_MS).read).toBe(true);
  });

  it('after Tesla refused, tries again only a day later', () => {
    const sync = { lastReadAt: endBy + QUIET_MS, refused: { code: 'missing_scope', message: '', at: endBy + QUIET_MS } };
    expect(decideBillingRead([ended], sync, endBy + QUIET_MS + REFUSED_RETRY_MS - 1)).toEqual({ read: false, reason: 'refused: missing_scope' });
    expect(decideBillingRead([ended], sync, endBy + QUIET_MS + REFUSED_RETRY_MS).read).toBe(true);
  });
});

describe('syncing a car’s Supercharger bills', () => {
  function setup(now: number) {
    const fleet = new FakeFleetApi();
    const history = new MemoryHistoryStore();
    const billing = new MemoryBillingStore();
    const clock = { now: () => now };
    return { fleet, history, billing, clock, deps: { fleet, history, billing, clock } };
  }

  it('reads once when a DC session awaits its bill, keeps Tesla’s record, and then does not read again', async () => {
    const s = session('a', 0, 30);
    const ctx = setup(s.endBy + QUIET_MS);
    ctx.history.charges.set(`${VIN}#a`, s);
    ctx.fleet.chargingHistory = () => [record('1', -2, 31)];
    expect(await syncSuperchargerBilling(ctx.deps, VIN)).toEqual({ read: true, pages: 1, records: 1, unreadable: 0 });
    expect(await syncSuperchargerBilling(ctx.deps, VIN)).toEqual({ read: false, reason: 'nothing to look for' });
    expect(ctx.fleet.calls.filter((c) => c.method === 'chargingHistoryPage')).toHaveLength(1);
  });

  it('keeps a refusal with its explanation and does not ask again within the day', async () => {
    const s = session('a', 0, 30);
    const ctx = setup(s.endBy + QUIET_MS);
    ctx.history.charges.set(`${VIN}#a`, s);
    ctx.fleet.chargingHistory = () => {
      throw new MissingScopeError(['vehicle_charging_cmds']);
    };
    const outcome = await syncSuperchargerBilling(ctx.deps, VIN);
    expect(outcome).toMatchObject({ read: true, refused: { code: 'missing_scope' } });
    expect((await ctx.billing.getBillingSync(VIN))?.refused?.message).toMatch(/vehicle_charging_cmds/);
    expect(await syncSuperchargerBilling(ctx.deps, VIN)).toMatchObject({ read: false });
  });

  it('throws an unreadable answer, having noted the read so the next pass does not retry at once', async () => {
    const s = session('a', 0, 30);
    const ctx = setup(s.endBy + QUIET_MS);
    ctx.history.charges.set(`${VIN}#a`, s);
    ctx.fleet.chargingHistory = () => {
      throw new UnexpectedFleetResponseError('Fleet API answered 500', 500);
    };
    await expect(syncSuperchargerBilling(ctx.deps, VIN)).rejects.toThrow('500');
    expect(await ctx.billing.getBillingSync(VIN)).toEqual({ lastReadAt: s.endBy + QUIET_MS, refused: null });
    expect(await ctx.billing.teslaChargesBetween(VIN, 0, Infinity)).toEqual([]);
  });

  it('looks at every car once an hour whatever the collector’s rate: passes every 5 minutes, or listing skipped for 40', async () => {
    const cars = Array.from({ length: 12 }, (_, i) => ({ vin: `5YJ3E7EB0SF0000${String(10 + i)}`, displayName: null, state: 'asleep' as const }));
    for (const gapMin of [5, 40]) {
      const ctx = setup(T);
      const looked: string[] = [];
      const history = {
        ...ctx.history,
        listCharges: (vin: string, q: Parameters<MemoryHistoryStore['listCharges']>[1]) => (looked.push(vin), ctx.history.listCharges(vin, q)),
      };
      const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
      // Three hours of passes.
      for (let at = T; at < T + 3 * HOUR; at += gapMin * MIN)
        await syncBillingOfCars({ fleet: ctx.fleet, history: history as MemoryHistoryStore, billing: ctx.billing, clock: { now: () => at }, log }, cars, at);
      const per = cars.map((c) => looked.filter((v) => v === c.vin).length);
      // Every car, each hour (a look is an hour or one pass gap more after the one before), never more often.
      expect(Math.min(...per)).toBeGreaterThanOrEqual(gapMin === 5 ? 3 : 2);
      expect(Math.max(...per)).toBeLessThanOrEqual(3);
    }
  });
});
