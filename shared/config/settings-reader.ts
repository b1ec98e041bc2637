import { ConfigError } from './config-error';

export type Env = Readonly<Record<string, string | undefined>>;

/** Typed reads from an environment-like map. Empty strings count as unset. */
export class SettingsReader {
  constructor(private readonly env: Env) {}

  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined) throw new ConfigError(name, 'must be set');
    return value;
  }

  int(name: string, options: { min: number; max: number; default: number }): number {
    const raw = this.optional(name);
    if (raw === undefined) return options.default;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || value < options.min || value > options.max) {
      throw new ConfigError(name, `must be a whole number from ${options.min} to ${options.max} (got '${raw.slice(0, 40)}')`);
    }
    return value;
  }

  number(name: string, options: { min: number; max: number; default: number }): number {
    const raw = this.optional(name);
    if (raw === undefined) return options.default;
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || value < options.min || value > options.max) {
      throw new ConfigError(name, `must be a number from ${options.min} to ${options.max} (got '${raw.slice(0, 40)}')`);
    }
    return value;
  }

  /** A number when set, else null. */
  optionalNumber(name: string, options: { min: number; max: number }): number | null {
    return this.optional(name) === undefined ? null : this.number(name, { ...options, default: 0 });
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    throw new ConfigError(name, `must be true or false (got '${raw.slice(0, 40)}')`);
  }

  url(name: string, fallback?: string): string | undefined {
    const raw = this.optional(name) ?? fallback;
    if (raw === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new ConfigError(name, `must be an http(s) URL (got '${raw.slice(0, 80)}')`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new ConfigError(name, `must be an http(s) URL (got '${raw.slice(0, 80)}')`);
    }
    return raw.replace(/\/+$/, '');
  }

  /** A string when set, refused with what `problem` finds wrong with it (the value shown only in part). */
  checked(name: string, problem: (raw: string) => string | null): string | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return undefined;
    const wrong = problem(raw);
    if (wrong !== null) throw new ConfigError(name, `${wrong} (got '${raw.replace(/\?.*$/, '?…').slice(0, 80)}')`);
    return raw;
  }

  /** A secret: checked for presence and shape, never echoed in the error. */
  secret(name: string, pattern: RegExp, description: string): string | undefined {
    const raw = this.optional(name);
    // The whole rule and the length given, never the value itself.
    if (raw !== undefined && !pattern.test(raw)) throw new ConfigError(name, `must be ${description} (got ${raw.length} characters)`);
    return raw;
  }

  list(name: string, allowed: ReadonlySet<string>, fallback: ReadonlySet<string>): ReadonlySet<string> {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = items.filter((i) => !allowed.has(i));
    if (unknown.length > 0) {
      throw new ConfigError(
        name,
        `names unknown entries: ${unknown.slice(0, 5).join(', ').slice(0, 200)}; each entry must be one of ${[...allowed].join(', ')}`,
      );
    }
    return new Set(items);
  }
}
