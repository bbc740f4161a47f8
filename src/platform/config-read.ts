import { KindGuard, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { type NodeEnv, type Setting } from './config-schema.ts';
import { type SettingKey, SETTINGS, type SettingValues } from './config-settings.ts';

/** A setting with a bad value; the process exits with code 2 and this message. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`invalid setting ${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Values given by flags or by code, in place of the setting's environment variable. */
export type SettingOverrides = Partial<Record<SettingKey, string | number | string[]>>;

/**
 * Reads every setting from the environment (an override wins over its variable) and validates it
 * against its schema. An empty variable counts as unset. The error names the flag when the bad
 * value came from one, else the variable.
 */
export function readSettings(
  env: NodeJS.ProcessEnv,
  overrides: SettingOverrides,
  nodeEnv: NodeEnv,
): SettingValues {
  const values: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(SETTINGS) as [SettingKey, Setting][]) {
    const override = overrides[key];
    const raw = override === undefined ? env[schema.env] : [override].flat().join(',');
    const name = override === undefined ? schema.env : (schema.flag ?? schema.env);
    values[key] = readSetting(schema, name, raw, nodeEnv);
  }
  return values as SettingValues;
}

function readSetting(
  schema: Setting,
  name: string,
  raw: string | undefined,
  nodeEnv: NodeEnv,
): unknown {
  const value = raw === undefined || raw === '' ? undefined : decode(schema, name, raw);
  if (value === undefined) return defaultOf(schema, name, nodeEnv);
  const problem = problemOf(schema, value, raw ?? '');
  if (problem) throw new ConfigError(name, problem);
  if (nodeEnv === 'production' && schema.publicValue !== undefined && value === schema.publicValue)
    throw new ConfigError(name, 'is the published development secret; set a secret of your own');
  return value;
}

function defaultOf(schema: Setting, name: string, nodeEnv: NodeEnv): unknown {
  const value = schema.defaultIn?.[nodeEnv] ?? schema.default;
  if (value === undefined && !KindGuard.IsOptional(schema)) {
    throw new ConfigError(name, `required when NODE_ENV=${nodeEnv}`);
  }
  // A copy, so a caller that changes its config cannot change the defaults.
  return structuredClone(value);
}

/**
 * The environment's text as the schema's type. What does not convert is returned as it is, so the
 * schema rejects it with the usual message; undefined means "use the default".
 */
function decode(schema: Setting, name: string, raw: string): unknown {
  switch (schema.type) {
    case 'integer':
      return /^\d+$/.test(raw) ? Number(raw) : raw;
    case 'boolean':
      return raw === '1' ? true : raw === '0' ? false : raw;
    case 'array': {
      const items = raw
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
      if (items.length === 0) return undefined;
      return items.map((item) => decode(schema.items as Setting, name, item));
    }
    case 'object':
      return decodeNumbers(schema, name, raw);
    default:
      return raw;
  }
}

/** `name=number` pairs over the default: a value names only the properties it changes. */
function decodeNumbers(schema: Setting, name: string, raw: string): Record<string, number> {
  const names = Object.keys(schema.properties as object);
  const result = structuredClone(schema.default) as Record<string, number>;
  for (const part of raw.split(',')) {
    const m = /^\s*(\w+)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m?.[1] || !m[2] || !names.includes(m[1])) {
      throw new ConfigError(name, `expected name=number for ${names.join(', ')}; got "${part}"`);
    }
    result[m[1]] = Number(m[2]);
  }
  return result;
}

/** What is wrong with a decoded value, in the operator's terms, or undefined when it is valid. */
function problemOf(schema: Setting, value: unknown, raw: string): string | undefined {
  const error = Value.Errors(schema, value).First();
  if (error) return describe(error.schema as Setting, error.value);
  if (schema.protocols) return urlProblem(schema.protocols, String(value));
  if (schema.ascending && (value as number[]).some((v, i, a) => i > 0 && v <= (a[i - 1] ?? 0))) {
    return `each value must be larger than the one before, got "${raw}"`;
  }
  return undefined;
}

function describe(schema: Setting, value: unknown): string {
  if (schema.anyOf) {
    const allowed = (schema.anyOf as TSchema[]).map((s) => s.const as string);
    return `expected one of ${allowed.join(', ')}, got "${String(value)}"`;
  }
  switch (schema.type) {
    case 'integer':
      return typeof value === 'number'
        ? `expected ${schema.minimum}..${schema.maximum ?? '∞'}, got ${value}`
        : `expected a whole number, got "${String(value)}"`;
    case 'boolean':
      return `expected one of 0, 1, got "${String(value)}"`;
    case 'string':
      return String(value).length < (schema.minLength ?? 0)
        ? `must be at least ${schema.minLength} characters`
        : `${schema.hint ?? 'unexpected value'}, got "${String(value)}"`;
    default:
      return `unexpected value "${String(value)}"`;
  }
}

function urlProblem(protocols: string[], raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `not a URL: "${raw}"`;
  }
  if (protocols.includes(url.protocol)) return undefined;
  return `expected a ${protocols.join(' or ')} URL, got "${url.protocol}"`;
}
