import { Chart } from 'chart.js';
import { api } from './api-client';
import { thin } from './battery-chart';

interface TyreRow {
  at: string;
  fl: number | null;
  fr: number | null;
  rl: number | null;
  rr: number | null;
  recommendedFront: number | null;
  recommendedRear: number | null;
}

const WHEELS = [
  ['fl', 'Front left', '#1d1f23'],
  ['fr', 'Front right', '#c4161c'],
  ['rl', 'Rear left', '#1c7c3c'],
  ['rr', 'Rear right', '#5f6672'],
] as const;
const MAX_POINTS = 400;

let chart: Chart | null = null;

/** Each wheel's pressure (bar) over the period, from the stored readings; the recommended pressure as a dashed line. */
export async function renderTyres(vin: string, days: number): Promise<number> {
  const from = new Date(Date.now() - days * 86_400_000).toISOString();
  // The newest thousand readings of the period (a year holds more), oldest first on the chart.
  const { readings } = await api<{ readings: TyreRow[] }>(`/vehicles/${vin}/tyres?from=${encodeURIComponent(from)}&limit=1000&order=newest`);
  const shown = thin([...readings].reverse(), MAX_POINTS);
  const canvas = document.getElementById('tyre-chart') as HTMLCanvasElement;
  canvas.dataset.points = String(shown.length);
  document.getElementById('tyres-empty')!.hidden = shown.length > 0;
  const recommended = shown.find((r) => r.recommendedRear !== null)?.recommendedRear ?? null;
  chart?.destroy();
  chart = new Chart(canvas, {
    data: { datasets: datasetsOf(shown, recommended) },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: {
          type: 'linear',
          title: { display: true, text: 'Date' },
          ticks: { maxTicksLimit: 8, callback: (v) => new Date(Number(v)).toLocaleDateString([], { month: 'short', day: 'numeric' }) },
        },
        // From under the low limit (85 % of the recommended) to a little over: a warm tyre reads a few tenths higher.
        y: {
          type: 'linear',
          title: { display: true, text: 'Pressure (bar)' },
          ...(recommended === null ? {} : { suggestedMin: Math.round(recommended * 0.8 * 10) / 10, suggestedMax: Math.round(recommended * 1.1 * 10) / 10 }),
        },
      },
    },
  });
  return shown.length;
}

/** A line per wheel, and the recommended pressure dashed. */
function datasetsOf(shown: readonly TyreRow[], recommended: number | null) {
  const x = (r: TyreRow): number => Date.parse(r.at);
  const wheels = WHEELS.map(([key, label, color]) => ({
    type: 'line' as const,
    label,
    data: shown.map((r) => ({ x: x(r), y: r[key] })),
    borderColor: color,
    borderWidth: 1.5,
    pointRadius: 0,
    tension: 0.1,
  }));
  if (recommended === null) return wheels;
  const dashed = { type: 'line' as const, label: `Recommended (${recommended} bar)`, borderColor: '#9aa0a8', borderDash: [4, 3], pointRadius: 0 };
  return [...wheels, { ...dashed, data: shown.map((r) => ({ x: x(r), y: recommended })) }];
}
