import { type SchemaOptions, type TProperties, type TSchema, Type } from '@sinclair/typebox';

/**
 * The kinds of setting: TypeBox schemas whose options also name the environment variable and hold
 * the documentation. Each constructor takes SettingOptions, so no setting can leave them out.
 */
export type NodeEnv = 'development' | 'test' | 'production';

/** What a setting's schema carries besides JSON Schema's own keywords. */
export interface SettingOptions extends SchemaOptions {
  /** The environment variable. */
  env: string;
  description: string;
  /** The command-line flag that overrides it, if any. */
  flag?: string;
  /** Default per NODE_ENV, ahead of `default`; a setting with neither is required. */
  defaultIn?: Partial<Record<NodeEnv, unknown>>;
  /** How the README shows a default that is not a plain value (computed, secret, none). */
  shownDefault?: string;
  /** URL settings: the accepted protocols. */
  protocols?: string[];
  /** Lists: each value must be larger than the one before. */
  ascending?: boolean;
  /** Patterned strings: what a valid value looks like, for the error message. */
  hint?: string;
  /** Secrets: the published development value, refused in production even when set explicitly. */
  publicValue?: string;
}

export type Setting = TSchema & SettingOptions;

const setting = <T extends TSchema>(schema: T) => schema as T & SettingOptions;

export const whole = (
  options: SettingOptions & { default: number; minimum: number; maximum: number },
) => setting(Type.Integer(options));

export const text = (options: SettingOptions) => setting(Type.String(options));

/** No default: the code decides when it is unset. */
export const optionalText = (options: SettingOptions & { shownDefault: string }) =>
  setting(Type.Optional(Type.String(options)));

export const oneOf = <T extends string>(values: readonly T[], options?: SettingOptions) =>
  setting(
    Type.Union(
      values.map((v) => Type.Literal(v)),
      options,
    ),
  );

/** `1` or `0`. */
export const onOff = (options: SettingOptions & { default: boolean }) =>
  setting(Type.Boolean(options));

/** Unset means the in-process alternative (or embedded Postgres). */
export const url = (options: SettingOptions & { protocols: string[]; shownDefault: string }) =>
  setting(Type.Optional(Type.String(options)));

/** Comma-separated values. */
export const list = <T extends TSchema>(items: T, options: SettingOptions) =>
  setting(Type.Array(items, options));

/** Comma-separated `name=value` pairs; a value names only the properties it changes. */
export const named = <T extends TProperties>(properties: T, options: SettingOptions) =>
  setting(Type.Object(properties, options));

/** An optional secret (unset: none); production refuses the published development value. */
export const optionalSecret = (env: string, description: string, devDefault: string) =>
  setting(
    Type.Optional(
      Type.String({
        env,
        description,
        minLength: 32,
        shownDefault: '(none)',
        publicValue: devDefault,
      }),
    ),
  );

/** A secret with a public development default: production must set it, to anything else. */
export const secret = (env: string, description: string, devDefault: string) =>
  text({
    env,
    description,
    minLength: 32,
    defaultIn: { development: devDefault, test: devDefault },
    shownDefault: '(dev secret)',
    publicValue: devDefault,
  });
