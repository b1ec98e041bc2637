import { describe, expect, it } from '@jest/globals';
import { parseDeployConfig } from '../../../infra/cdk/deploy-config';
import { parseLocalSettings } from '../../../shared/config/local-settings';
import { tileOrigin, tileUrlProblem } from '../../../shared/config/tile-url';

describe('the map tile URL', () => {
  it('takes an https template on a public host, a key in the query included', () => {
    expect(tileUrlProblem('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toBeNull();
    expect(tileUrlProblem('https://api.maptiler.com/maps/streets/{z}/{x}/{y}.png?key=abc')).toBeNull();
    expect(tileOrigin('https://api.maptiler.com/maps/streets/{z}/{x}/{y}.png?key=abc')).toBe('https://api.maptiler.com');
  });

  it('refuses what would reach an internal address, leave https, or not be a template', () => {
    for (const [url, why] of [
      ['http://tile.openstreetmap.org/{z}/{x}/{y}.png', /https/],
      ['https://169.254.169.254/{z}/{x}/{y}', /public host/],
      ['https://localhost/{z}/{x}/{y}', /public host/],
      ['https://tiles.internal/{z}/{x}/{y}', /public host/],
      ['https://nas.local/{z}/{x}/{y}', /public host/],
      ['https://[::1]/{z}/{x}/{y}', /public host/],
      ['https://tile.example.org:8443/{z}/{x}/{y}', /port/],
      ['https://me:pw@tile.example.org/{z}/{x}/{y}', /user name/],
      ['https://tile.example.org/{z}/{x}.png', /\{y\}/],
    ] as const)
      expect([url, tileUrlProblem(url)]).toEqual([url, expect.stringMatching(why)]);
  });

  it('is unset by default, and a bad one is refused at deploy and locally, naming the setting without its key', () => {
    expect(parseLocalSettings({}, '/tmp').mapTileUrl).toBeNull();
    expect(() => parseDeployConfig({ mapTileUrl: 'https://10.0.0.1/{z}/{x}/{y}' })).toThrow(/config\.mapTileUrl/);
    const local = () => parseLocalSettings({ MAP_TILE_URL: 'http://tile.example.org/{z}/{x}/{y}.png?key=SECRET123' }, '/tmp');
    expect(local).toThrow(/MAP_TILE_URL must be an https URL/);
    expect(local).not.toThrow(/SECRET123/);
  });
});
