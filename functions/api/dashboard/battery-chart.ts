import { Chart } from 'chart.js';
import { api } from './api-client';
import type { Unit } from './glance';

interface Reading {
  takenAt: string;
  batteryLevel: number | null;
  rangeMi: number | null;
}

/** At most this many points are drawn (a month of readings is a few hundred to a few thousand). */
const MAX_POINTS = 400;
/** Pages of readings read at most for one chart (1,000 each). */
const MAX_PAGES = 4;

let chart: Chart | null = null;

/** Every `n`-th reading, so a long period draws quickly and the newest reading is always among them. */
export function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  const picked = Array.from({ length: max - 1 }, (_, i) => items[Math.floor(i * step)]!);
  return [...picked, items[items.length - 1]!];
}

/** Battery (%) and range over the period, from the stored readings; the Tesla API is not asked. */
/** The readings with a battery level over the last `days`, page by page (at most MAX_PAGES). */
async function readingsSince(vin: string, days: number): Promise<Reading[]> {
  const from = new Date(Date.now() - days * 86_400_000).toISOString();
  const readings: Reading[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query: string = `/vehicles/${vin}/snapshots?from=${encodeURIComponent(from)}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const answer: { snapshots: Reading[]; nextCursor: string | null } = await api(query);
    readings.push(...answer.snapshots.filter((r) => r.batteryLevel !== null));
    cursor = answer.nextCursor;
    if (cursor === null) break;
  }
  return readings;
}

export async function renderBattery(vin: string, days: number, unit: Unit): Promise<number> {
  const shown = thin(await readingsSince(vin, days), MAX_POINTS);
  const oneDay = days <= 1;
  // On a time axis (ms), not one point per step: readings come every few minutes while driving and hours apart
  // while the car sleeps, and evenly spaced points would bend time.
  const tick = (ms: number): string =>
    oneDay
      ? new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
      : new Date(ms).toLocaleDateString([], { month: 'short', day: 'numeric' });
  const canvas = document.getElementById('battery-chart') as HTMLCanvasElement;
  canvas.dataset.points = String(shown.length);
  document.getElementById('battery-empty')!.hidden = shown.length > 0;
  chart?.destroy();
  chart = new Chart(canvas, {
    data: {
      datasets: datasetsOf(shown, unit),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { type: 'linear', title: { display: true, text: oneDay ? 'Time' : 'Date' }, ticks: { maxTicksLimit: 8, callback: (value) => tick(Number(value)) } },
        battery: { type: 'linear', position: 'left', min: 0, max: 100, title: { display: true, text: 'Battery (%)' } },
        range: { type: 'linear', position: 'right', beginAtZero: true, title: { display: true, text: `Range (${unit})` }, grid: { drawOnChartArea: false } },
      },
    },
  });
  return shown.length;
}

/** The battery level, and the rated range in the unit shown, on a time axis. */
function datasetsOf(shown: readonly Reading[], unit: Unit) {
  const factor = unit === 'km' ? 1.609344 : 1;
  return [
    {
      type: 'line' as const,
      label: 'Battery (%)',
      data: shown.map((r) => ({ x: Date.parse(r.takenAt), y: r.batteryLevel })),
      yAxisID: 'battery',
      borderColor: '#1c7c3c',
      pointRadius: 0,
      tension: 0.1,
    },
    {
      type: 'line' as const,
      label: `Range (${unit})`,
      data: shown.map((r) => ({ x: Date.parse(r.takenAt), y: r.rangeMi === null ? null : Math.round(r.rangeMi * factor) })),
      yAxisID: 'range',
      borderColor: '#5f6672',
      borderDash: [4, 3],
      pointRadius: 0,
      tension: 0.1,
    },
  ];
}
