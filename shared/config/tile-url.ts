/**
 * A map tile URL template, as the dashboard's map loads its streets from (`https://tile.example.org/{z}/{x}/{y}.png`,
 * a key in the query if the provider wants one). Off unless the owner sets one: no third-party host otherwise.
 * Only https, a named public host (no address, no `localhost`, no internal name: the page's security policy lets
 * images come from that host alone), and all of `{z}`, `{x}` and `{y}`. Returns what is wrong, or null.
 */
export function tileUrlProblem(raw: string): string | null {
  if (!['{z}', '{x}', '{y}'].every((p) => raw.includes(p))) return 'must contain {z}, {x} and {y}';
  let url: URL;
  try {
    url = new URL(raw.replaceAll(/\{[zxy]\}/g, '0'));
  } catch {
    return 'must be an https URL';
  }
  if (url.protocol !== 'https:') return 'must be an https URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.port !== '') return 'must use the standard https port';
  const host = url.hostname.toLowerCase();
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) || /^[\d.]+$/.test(host) || /\.(local|internal|localhost|lan|home|arpa)$/.test(host))
    return 'must name a public host (not an address or an internal name)';
  return null;
}

/** The origin the page's security policy lets map images come from. */
export const tileOrigin = (template: string): string => new URL(template.replaceAll(/\{[zxy]\}/g, '0')).origin;
