import { Chart, ScatterController } from 'chart.js';
import { api } from './api-client';

Chart.register(ScatterController);

interface Session {
  start: { at: string };
  end: { at: string };
  kind: string;
}
interface Reading {
  takenAt: string;
  batteryLevel: number | null;
  detail?: { chargerPowerKw: number | null };
}

let chart: Chart | null = null;

/** The newest charging session's curve: the power each reading saw against the battery level it was read at. */
export async function renderChargeCurve(vin: string): Promise<number> {
  const { charges } = await api<{ charges: Session[] }>(`/vehicles/${vin}/charges?order=newest&limit=1`);
  const session = charges[0];
  let points: Array<{ x: number; y: number }> = [];
  if (session) {
    const { snapshots } = await api<{ snapshots: Reading[] }>(
      `/vehicles/${vin}/snapshots?from=${encodeURIComponent(session.start.at)}&to=${encodeURIComponent(session.end.at)}&limit=1000`,
    );
    points = snapshots.flatMap((r) => (r.batteryLevel !== null && r.detail?.chargerPowerKw != null ? [{ x: r.batteryLevel, y: r.detail.chargerPowerKw }] : []));
  }
  const canvas = document.getElementById('charge-curve') as HTMLCanvasElement;
  canvas.dataset.points = String(points.length);
  document.getElementById('charge-curve-empty')!.hidden = points.length > 0;
  document.getElementById('charge-curve-when')!.textContent = session
    ? `${session.kind === 'unknown' ? '' : `${session.kind.toUpperCase()}, `}${new Date(session.start.at).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })}: a point a reading, nothing drawn between them`
    : '';
  chart?.destroy();
  chart = new Chart(canvas, {
    type: 'scatter',
    // Points only: the readings may be far apart, and a line between them would draw power nobody measured.
    data: { datasets: [{ label: 'Charging power (kW)', data: points, backgroundColor: '#c4161c', pointRadius: 4, showLine: false }] },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { type: 'linear', title: { display: true, text: 'Battery (%)' } },
        y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'Power (kW)' } },
      },
    },
  });
  return points.length;
}
