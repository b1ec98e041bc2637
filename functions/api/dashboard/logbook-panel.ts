import { $ } from './dom';
import { api, download } from './api-client';
import { dropStale } from './history-panel';

const timeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Wires the purpose form, the logbook download and the chain check; `after` refreshes what they change. */
export function wireLogbook(vin: () => string, after: () => void): void {
  const status = $('logbook-status');
  wireDriveForm(vin, after, status);
  wireDownload(vin);
  wireVerify(vin, status);
}

/** Saving a drive's purpose and note: a new logbook entry. */
function wireDriveForm(vin: () => string, after: () => void, status: HTMLElement): void {
  $('drive-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const body = { purpose: $<HTMLSelectElement>('drive-purpose').value || null, note: $<HTMLInputElement>('drive-note').value.trim() || null };
    const pick = $<HTMLSelectElement>('drive-pick');
    // The drive and its car come from the same list: an edit can never pair one car with another's drive.
    const car = pick.dataset.vin;
    if (!car || car !== vin() || !pick.value) {
      status.textContent = 'Not saved: the drives are still loading for this car.';
      return;
    }
    status.textContent = 'Saving…';
    api(`/vehicles/${car}/drives/${pick.value}`, { method: 'PATCH', body: JSON.stringify(body) })
      .then(() => {
        status.textContent = 'Saved as a new logbook entry.';
        after();
      })
      .catch((error: unknown) => (status.textContent = `Not saved: ${error instanceof Error ? error.message : 'error'}`));
  });
}

/** The year's logbook as a CSV download (fetched with the token, handed to the browser). */
function wireDownload(vin: () => string): void {
  $('logbook-download').addEventListener('click', () => {
    const year = new Date().getFullYear();
    const status = $('logbook-status');
    // The API needs the token, so the file is fetched and handed to the browser as a download.
    download(`/vehicles/${vin()}/logbook?year=${year}&tz=${encodeURIComponent(timeZone())}`, 'text/csv', `logbook-${vin()}-${year}.csv`).catch(
      (error: unknown) => (status.textContent = `Not downloaded: ${error instanceof Error ? error.message : 'error'}`),
    );
  });
}

/** Checks the logbook's chain and says what it found, or that it claims nothing. */
function wireVerify(vin: () => string, status: HTMLElement): void {
  $('logbook-verify').addEventListener('click', () => {
    type Check = {
      intact: boolean | null;
      entries: number;
      head: string | null;
      brokenAtSeq: number | null;
      changedDriveCount: number;
      missingDriveCount: number;
      lostEntries: number;
      indexMismatches: string[];
    };
    api<Check>(`/vehicles/${vin()}/logbook/verify`).then((check) => {
      if (check.intact === null) {
        status.textContent = `The check did not finish in time (${check.entries.toLocaleString()} entries read); nothing is claimed. Try again.`;
        return;
      }
      const problems = [
        check.brokenAtSeq !== null ? `entry ${check.brokenAtSeq} does not follow from the one before` : '',
        check.changedDriveCount > 0 ? `${check.changedDriveCount} drive(s) changed since logged` : '',
        check.missingDriveCount > 0 ? `${check.missingDriveCount} recorded drive(s) missing from it` : '',
        check.lostEntries > 0 ? `its last ${check.lostEntries} entries are gone` : '',
        check.indexMismatches.length > 0 ? `${check.indexMismatches.length} drive(s) whose rows do not point where the chain says` : '',
      ].filter(Boolean);
      // The head to keep outside this system: checked against later, it shows any rewrite up to it.
      const head = check.head ? ` Keep this head to check it later: ${check.head}` : '';
      status.textContent = check.intact
        ? `Logbook intact: ${check.entries} entries, each chained to the one before.${head}`
        : `Logbook NOT intact: ${problems.join('; ')}.`;
    }, dropStale);
  });
}
