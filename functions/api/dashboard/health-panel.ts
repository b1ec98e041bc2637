import { $ } from './dom';
import { api } from './api-client';
import { drawBars } from './bar-chart';

interface HealthMonth {
  month: string;
  samples: number;
  fullRangeMi: number;
  fullRangeMiIqr: [number, number];
  capacityKwh: number | null;
}
interface Health {
  method: string;
  months: HealthMonth[];
  lossPercent: number | null;
  leftOut: { imported: number; lowLevel: number; cold: number; afterCharge: number };
}

/** Why drives did not count, in words: "12 in the cold, 3 within an hour of a charge". */
function leftOutText(left: Health['leftOut']): string {
  const parts = [
    left.cold > 0 ? `${left.cold} in the cold` : '',
    left.afterCharge > 0 ? `${left.afterCharge} within an hour of a charge` : '',
    left.lowLevel > 0 ? `${left.lowLevel} under 30 %` : '',
    left.imported > 0 ? `${left.imported} imported` : '',
  ].filter(Boolean);
  return parts.length === 0 ? '' : ` Drives left out: ${parts.join(', ')}.`;
}

/** The full rated range per month with its spread, the capacity estimate, and the loss since the first month. */
export async function renderHealth(vin: string): Promise<void> {
  const health = await api<Health>(`/vehicles/${vin}/battery-health`);
  const summary = $('health-summary');
  const first = health.months[0];
  summary.textContent =
    health.months.length === 0
      ? `Not enough drives yet: each month needs five that ended at 30 % or more, not in the cold, not just after a charge.${leftOutText(health.leftOut)}`
      : `${health.lossPercent === null ? '' : `${health.lossPercent.toFixed(1)} % less range than in ${first!.month}. `}Method: ${health.method}.${leftOutText(health.leftOut)}`;
  const body = $<HTMLTableElement>('health-table').tBodies[0]!;
  body.replaceChildren();
  for (const m of [...health.months].reverse()) {
    const row = body.insertRow();
    for (const text of [
      m.month,
      `${m.fullRangeMi.toFixed(0)} mi`,
      `${m.fullRangeMiIqr[0].toFixed(0)}–${m.fullRangeMiIqr[1].toFixed(0)} mi (${m.samples} drives)`,
      m.capacityKwh === null ? '–' : `≈ ${m.capacityKwh.toFixed(1)} kWh`,
    ])
      row.insertCell().textContent = text;
  }
}

interface Bin {
  from: number;
  drives: number;
  whPerMi: number;
}
interface Efficiency {
  byOutsideTempC: Bin[];
  byAverageSpeedMph: Bin[];
  tempWidthC: number;
  speedWidthMph: number;
  drives: number;
}

/** Wh per mile by the drives' outside temperature and by their average speed (energy over distance, per bin). */
export async function renderEfficiency(vin: string): Promise<void> {
  const e = await api<Efficiency>(`/vehicles/${vin}/efficiency`);
  $('efficiency-empty').hidden = e.drives > 0;
  const bars = (bins: Bin[], width: number, unit: string) =>
    bins.map((b) => ({ label: `${b.from}–${b.from + width} ${unit} (${b.drives})`, value: b.whPerMi }));
  drawBars('efficiency-temp-chart', bars(e.byOutsideTempC, e.tempWidthC, '°C'), { x: 'Outside (drives)', y: 'Wh/mi' }, 'rgba(29, 78, 137, 0.6)');
  drawBars('efficiency-speed-chart', bars(e.byAverageSpeedMph, e.speedWidthMph, 'mph'), { x: 'Average speed (drives)', y: 'Wh/mi' }, 'rgba(28, 124, 60, 0.6)');
}
