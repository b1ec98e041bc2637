import { Chart } from 'chart.js';

const charts = new Map<string, Chart>();

/**
 * A small bar chart in the canvas `id`, oldest bar first, with its axes titled; the canvas says how many bars it
 * drew (`data-points`). Bars, not a line: each bar is one record (a drive, a parked stretch), nothing between them.
 */
export function drawBars(id: string, bars: ReadonlyArray<{ label: string; value: number }>, axes: { x: string; y: string }, color: string): void {
  const canvas = document.getElementById(id) as HTMLCanvasElement;
  canvas.dataset.points = String(bars.length);
  charts.get(id)?.destroy();
  charts.set(
    id,
    new Chart(canvas, {
      type: 'bar',
      data: { labels: bars.map((b) => b.label), datasets: [{ label: axes.y, data: bars.map((b) => b.value), backgroundColor: color }] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { title: { display: true, text: axes.x }, ticks: { maxTicksLimit: 8 } },
          y: { beginAtZero: true, title: { display: true, text: axes.y } },
        },
      },
    }),
  );
}
