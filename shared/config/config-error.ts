/** A setting is missing or malformed. The message names the setting and says what it should be, never its value
 * when the setting is secret. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`${setting} ${problem}`);
    this.name = 'ConfigError';
  }
}
