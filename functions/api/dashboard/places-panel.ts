import { $ } from './dom';
import { api, ApiClientError } from './api-client';
import { deleteButton } from './delete-button';

interface Place {
  id: string;
  name: string;
  kind: 'home' | 'work' | 'public';
  radiusM: number;
  tariff: { currency: string; perKwh: number; periods: Array<{ name: string; from: string; to: string; perKwh?: number }> } | null;
}

/** The owner's places, each with its tariff in short, and a delete (tap twice). */
export async function renderPlaces(): Promise<void> {
  const { places } = await api<{ places: Place[] }>('/places').catch(() => ({ places: [] as Place[] }));
  $('places-empty').hidden = places.length > 0;
  $('places-list').hidden = places.length === 0;
  const body = $<HTMLTableElement>('places-table').tBodies[0]!;
  body.replaceChildren();
  for (const p of places) {
    const row = body.insertRow();
    for (const text of [p.name, p.kind, tariffText(p)]) row.insertCell().textContent = text;
    row.insertCell().append(deleteButton(p.name, () => void save(`/places/${p.id}`, 'DELETE')));
  }
}

function tariffText(p: Place): string {
  if (!p.tariff) return '–';
  const periods = p.tariff.periods.map((x) => `${x.name} ${x.from}–${x.to}${x.perKwh !== undefined ? ` ${x.perKwh}` : ''}`);
  return [`${p.tariff.currency} ${p.tariff.perKwh}/kWh`, ...periods].join(' · ');
}

/** "night 00:00-07:00 0.18" per line: a time-of-use period and its price per kWh. */
function periodsOf(text: string): Array<{ name: string; from: string; to: string; perKwh: number }> {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^(.+?)\s+(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})\s+([\d.]+)$/.exec(line);
      if (!m) throw new Error(`"${line}" is not like: night 00:00-07:00 0.18`);
      return { name: m[1]!, from: m[2]!, to: m[3]!, perKwh: Number(m[4]) };
    });
}

async function save(path: string, method: string, body?: unknown): Promise<void> {
  const status = $('place-status');
  try {
    await api(path, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    status.textContent = method === 'DELETE' ? 'Deleted.' : 'Saved: its sessions are priced by it from now on.';
  } catch (error) {
    status.textContent = `Not saved: ${error instanceof ApiClientError ? error.message : 'network error'}`;
  }
  await renderPlaces();
}

/** The form: a name, where (a centre and a radius), its kind, and a tariff in this browser's time zone. */
export function wirePlaceForm(): void {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  $('place-zone').textContent = `Tariff times are in ${zone}.`;
  $('place-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const name = $<HTMLInputElement>('place-name').value.trim();
    const id =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 40) || 'place';
    const currency = $<HTMLInputElement>('place-currency').value.trim().toUpperCase();
    let periods;
    try {
      periods = periodsOf($<HTMLTextAreaElement>('place-periods').value);
    } catch (error) {
      $('place-status').textContent = `Not saved: ${(error as Error).message}`;
      return;
    }
    const perKwh = Number($<HTMLInputElement>('place-per-kwh').value || '0');
    const body = {
      name,
      kind: $<HTMLSelectElement>('place-kind').value,
      latitude: Number($<HTMLInputElement>('place-latitude').value),
      longitude: Number($<HTMLInputElement>('place-longitude').value),
      radiusM: Number($<HTMLInputElement>('place-radius').value || '150'),
      tariff: currency ? { currency, timeZone: zone, perKwh, periods } : null,
    };
    void save(`/places/${id}`, 'PUT', body);
  });
}
