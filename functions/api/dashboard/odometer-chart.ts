import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { api } from './api-client';
import { aggregate, bucketFor, type Bucket, type DayRow } from './chart-buckets';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

export type Range = 'day' | 'week' | 'month' | 'year' | 'all';
const DAYS: Record<Range, number> = { day: 1, week: 7, month: 30, year: 365, all: 3650 };

interface Reading {
  at: string;
  odometer: number;
}

let chart: Chart | null = null;

/** Odometer as a line and, for week/month/year, the distance driven each day as bars (from the daily rollups). */
/** A day: every reading by time; longer: a row per day, week or month with its distance. */
async function seriesOf(
  vin: string,
  range: Range,
  unit: 'mi' | 'km',
): Promise<{ labels: string[]; odometer: number[]; distance: number[] | null; bucket: Bucket }> {
  const from = new Date(Date.now() - DAYS[range] * 86_400_000).toISOString();
  if (range === 'day') {
    const raw = await api<{ readings: Reading[] }>(`/vehicles/${vin}/odometer?resolution=raw&unit=${unit}&limit=1000&from=${encodeURIComponent(from)}`);
    const labels = raw.readings.map((r) => new Date(r.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
    return { labels, odometer: raw.readings.map((r) => r.odometer), distance: null, bucket: 'day' };
  }
  const daily = await api<{ days: DayRow[] }>(`/vehicles/${vin}/odometer?resolution=day&unit=${unit}&from=${encodeURIComponent(from)}`);
  const bucket = bucketFor(daily.days);
  const rows = aggregate(daily.days, bucket);
  return { labels: rows.map((r) => r.label), odometer: rows.map((r) => r.last), distance: rows.map((r) => r.distance), bucket };
}

export async function renderOdometer(vin: string, range: Range, unit: 'mi' | 'km'): Promise<number> {
  const { labels, odometer, distance, bucket } = await seriesOf(vin, range, unit);
  fillTable(labels, odometer, distance, unit);

  const canvas = document.getElementById('odometer-chart') as HTMLCanvasElement;
  chart?.destroy();
  chart = new Chart(canvas, {
    data: {
      labels,
      datasets: [
        ...(distance
          ? [{ type: 'bar' as const, label: `Distance (${unit}/${bucket})`, data: distance, yAxisID: 'distance', backgroundColor: 'rgba(196, 22, 28, 0.55)' }]
          : []),
        { type: 'line' as const, label: `Odometer (${unit})`, data: odometer, yAxisID: 'odometer', borderColor: '#1d1f23', pointRadius: 2, tension: 0.1 },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { title: { display: true, text: range === 'day' ? 'Time' : `Date (a bar a ${bucket})` }, ticks: { maxTicksLimit: 10 } },
        odometer: { type: 'linear', position: 'left', title: { display: true, text: `Odometer (${unit})` } },
        ...(distance
          ? {
              distance: {
                type: 'linear' as const,
                position: 'right' as const,
                beginAtZero: true,
                title: { display: true, text: `Distance per ${bucket} (${unit})` },
                grid: { drawOnChartArea: false },
              },
            }
          : {}),
      },
    },
  });
  return labels.length;
}

function fillTable(labels: string[], odometer: number[], distance: number[] | null, unit: string): void {
  const table = document.getElementById('odometer-table') as HTMLTableElement;
  table.tHead!.innerHTML = '';
  const head = table.tHead!.insertRow();
  for (const title of ['When', `Odometer (${unit})`, ...(distance ? [`Distance (${unit})`] : [])]) head.insertCell().outerHTML = `<th>${title}</th>`;
  const body = table.tBodies[0]!;
  body.replaceChildren();
  labels.forEach((label, i) => {
    const row = body.insertRow();
    row.insertCell().textContent = label;
    row.insertCell().textContent = odometer[i]!.toFixed(1);
    if (distance) row.insertCell().textContent = distance[i]!.toFixed(1);
  });
}
