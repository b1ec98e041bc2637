/**
 * The owner's browser on the simulator's consent page: reads the form as served and submits it, with every offered
 * scope ticked unless `untick` names it, or denies. Returns where the simulator redirects (the app's redirect URI).
 */
export async function answerConsent(authorizeUrl: string, options: { untick?: string[]; deny?: boolean } = {}): Promise<string> {
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`the consent page answered ${page.status}: ${html.slice(0, 200)}`);
  const unescape = (text: string): string => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.append(name!, unescape(value!));
  for (const [, value] of html.matchAll(/<input type="checkbox" name="scope" value="([^"]+)" checked>/g)) {
    if (!options.untick?.includes(unescape(value!))) form.append('scope', unescape(value!));
  }
  form.set('decision', options.deny ? 'deny' : 'allow');
  const answer = await fetch(new URL('/oauth2/v3/authorize', authorizeUrl), { method: 'POST', body: form, redirect: 'manual' });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || location === null) throw new Error(`the consent form answered ${answer.status}`);
  return location;
}
