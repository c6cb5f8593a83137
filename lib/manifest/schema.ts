// The zod schema for app.toml after key normalisation: types and one-value rules, with messages for developers.
import { z } from 'zod';
import { linkAddressProblem } from './link-address';
import {
  absolutePathProblem,
  durationProblem,
  envNameProblem,
  filePathProblem,
  labelProblem,
  longDescriptionProblem,
  moduleProblem,
  normalizeArchivePath,
  versionProblem,
} from './fields';
import { ENUMERATIONS } from './normalize';
import { quantityProblem, type QuantityKind } from './quantity';
import { secretKeyProblem, secretNameProblem } from './secrets';
import { isTable } from './toml';

/** How a TOML value reads in a message: `a string ("1.0")`, `an integer (8080)`. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})`;
  if (typeof v === 'bigint') return `an integer (${v})`;
  if (typeof v === 'number') return `a number (${v})`;
  if (typeof v === 'boolean') return `a boolean (${v})`;
  if (v instanceof Date) return 'a date';
  if (Array.isArray(v)) return 'a list';
  if (isTable(v)) return 'a table';
  return 'something else';
}

type Expected = 'string' | 'integer' | 'boolean' | 'list' | 'table' | 'tables';

function typeError(label: string, expected: Expected, required?: string) {
  const wanted: Record<Expected, string> = {
    string: 'a string in quotes',
    integer: 'a whole number',
    boolean: 'true or false',
    list: 'a list of strings, such as ["a", "b"]',
    table: `a table (a [${label}] section)`,
    tables: `a list of tables, each written as [[${label}]] (double brackets)`,
  };
  return (iss: { input?: unknown }): string => {
    const input = iss.input;
    if (input === undefined) return `${label} is required${required ? `: ${required}` : '.'}`;
    let hint = '';
    if (expected === 'string' && ['bigint', 'number', 'boolean'].includes(typeof input)) {
      hint = `; put it in quotes: "${String(input)}"`;
    } else if ((expected === 'integer' || expected === 'boolean') && typeof input === 'string') {
      hint = '; write it without quotes';
    } else if (expected === 'tables' && isTable(input)) {
      hint = `; write [[${label}]] instead of [${label}]`;
    }
    return `${label} must be ${wanted[expected]}, not ${describeValue(input)}${hint}.`;
  };
}

const str = (label: string, required?: string) => z.string({ error: typeError(label, 'string', required) });

/** A string that must also pass `problem` (which returns a message, or null when fine). */
function checked(label: string, problem: (s: string) => string | null, required?: string) {
  return str(label, required).superRefine((s, ctx) => {
    const message = problem(s);
    if (message) ctx.addIssue({ code: 'custom', message, input: s });
  });
}

const quantity = (label: string, kind: QuantityKind) => checked(label, (s) => quantityProblem(label, s, kind));

const bool = (label: string) => z.boolean({ error: typeError(label, 'boolean') });

function integer(label: string, min: number, max: number) {
  return z
    .bigint({ error: typeError(label, 'integer') })
    .superRefine((n, ctx) => {
      if (n < BigInt(min) || n > BigInt(max)) {
        const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
        ctx.addIssue({ code: 'custom', message: `${label} must be a whole number ${range}, not ${n}.`, input: n });
      }
    })
    .transform((n) => Number(n));
}

const stringList = (label: string) => z.array(str(`Each entry of ${label}`), { error: typeError(label, 'list') });

function enumeration<const T extends readonly [string, ...string[]]>(label: string, values: T) {
  return z.enum(values, {
    error: (iss) =>
      typeof iss.input === 'string'
        ? `${label} must be one of ${values.join(', ')}; "${iss.input}" is not one of them.`
        : typeError(label, 'string')(iss),
  });
}

/** What [[Env]] and [[File]] share: a literal Value, or a key of a Secret. */
const valueSource = {
  Secret: checked('Secret', secretNameProblem).optional(),
  SecretKey: checked('SecretKey', secretKeyProblem).optional(),
  Optional: bool('Optional').optional(),
  Value: str('Value').optional(),
};

export interface SchemaOptions {
  allowedCoreEnvRegexes: readonly RegExp[];
  /** Whether Link.Address may point to loopback, link-local or private addresses. */
  allowPrivateLinkAddresses: boolean;
}

export function manifestSchema(options: SchemaOptions) {
  const app = z.object(
    {
      Name: checked('Name', (s) => labelProblem('Name', s), 'the machine name that links the versions of the app, such as "ai.h2o.wave.my-app".'),
      Version: checked('Version', versionProblem, 'a semantic version such as "1.0.0".'),
      Title: str('Title').optional(),
      Description: str('Description').optional(),
      LongDescription: checked('LongDescription', longDescriptionProblem)
        .transform((s) => normalizeArchivePath(s) as string)
        .optional(),
      Tags: stringList('Tags').optional(),
      InstanceLifecycle: enumeration('InstanceLifecycle', ENUMERATIONS.InstanceLifecycle).optional(),
      InstanceTimeout: checked('InstanceTimeout', durationProblem).optional(),
    },
    { error: typeError('App', 'table') },
  );

  const runtime = z.object(
    {
      Module: checked('Module', moduleProblem).optional(),
      RuntimeVersion: str('RuntimeVersion').optional(),
      VolumeMount: checked('VolumeMount', (s) => absolutePathProblem('VolumeMount', s)).optional(),
      VolumeSize: quantity('VolumeSize', 'memory').optional(),
      ResourceVolumeSize: quantity('ResourceVolumeSize', 'memory').optional(),
      MemoryLimit: quantity('MemoryLimit', 'memory').optional(),
      MemoryReservation: quantity('MemoryReservation', 'memory').optional(),
      CPULimit: quantity('CPULimit', 'cpu').optional(),
      CPUReservation: quantity('CPUReservation', 'cpu').optional(),
      GPUCount: integer('GPUCount', 0, Number.MAX_SAFE_INTEGER).optional(),
      GPUType: str('GPUType').optional(),
      EnableOIDC: bool('EnableOIDC').optional(),
      EnableSHM: bool('EnableSHM').optional(),
      RoutingMode: enumeration('RoutingMode', ENUMERATIONS.RoutingMode).optional(),
      AppMode: enumeration('AppMode', ENUMERATIONS.AppMode).optional(),
      Port: integer('Port', 1, 65535).optional(),
      CustomImage: str('CustomImage').optional(),
      AppArgs: stringList('AppArgs').optional(),
      AppEntryPoint: stringList('AppEntryPoint').optional(),
    },
    { error: typeError('Runtime', 'table') },
  );

  const env = z.object(
    {
      Name: checked('Name', (s) => envNameProblem(s, options.allowedCoreEnvRegexes), 'the environment variable to set.'),
      ...valueSource,
    },
    { error: (iss) => `Each [[Env]] must be a table with Name and Value or Secret, not ${describeValue(iss.input)}.` },
  );

  const file = z.object(
    {
      Path: checked('Path', filePathProblem, 'where to put the file, such as "config/settings.json".'),
      ...valueSource,
    },
    { error: (iss) => `Each [[File]] must be a table with Path and Value or Secret, not ${describeValue(iss.input)}.` },
  );

  const link = z.object({ Address: checked('Address', (s) => linkAddressProblem(s, { allowPrivate: options.allowPrivateLinkAddresses })).optional() }, { error: typeError('Link', 'table') });

  return z.object({
    App: app,
    Runtime: runtime,
    Env: z.array(env, { error: typeError('Env', 'tables') }).optional(),
    File: z.array(file, { error: typeError('File', 'tables') }).optional(),
    Link: link.optional(),
  });
}

export type ManifestDocument = z.output<ReturnType<typeof manifestSchema>>;
