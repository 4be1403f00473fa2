/**
 * Deterministic sample values from a JSON Schema, for the mock model's structured outputs and tool
 * arguments (the mock is fake: the values are placeholders, not answers). Covers what OpenAI
 * structured outputs, tool parameters and Gemini's `responseSchema` use: type (also Gemini's upper-case
 * names and type arrays), enum/const, object properties and required, arrays and tuples, string
 * formats and lengths, numeric bounds and multipleOf, anyOf/oneOf/allOf, local `$ref`s. `pattern` is
 * not satisfied (no regex inversion): strings only meet the length and format constraints.
 */

type Schema = Record<string, unknown>;

interface SampleContext {
  root: Schema;
  depth: number;
  /** The property name this value is for, used in placeholder strings (`"mock city"`). */
  name: string;
  /** Position inside an array, so `uniqueItems` arrays get distinct values. */
  index: number;
}

/** Past this depth, optional properties and array items stop being generated (recursive schemas). */
const optionalDepthLimit = 6;
/** Past this depth even required values give up (a schema that requires itself forever). */
const hardDepthLimit = 24;

/**
 * Returns a value that validates against `schema`.
 *
 * @example sampleFromSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] })
 * // → { city: 'mock city' }
 */
export function sampleFromSchema(schema: unknown): unknown {
  const root = isSchema(schema) ? schema : {};
  return sample(root, { root, depth: 0, name: '', index: 0 });
}

function sample(schema: Schema, context: SampleContext): unknown {
  if (context.depth > hardDepthLimit) return null;
  const resolved = resolveReference(schema, context.root);
  if ('const' in resolved) return resolved.const;
  if (Array.isArray(resolved.enum) && resolved.enum.length > 0)
    return resolved.enum[context.index % resolved.enum.length];
  const choice = firstNonNullOption(resolved.anyOf) ?? firstNonNullOption(resolved.oneOf);
  if (choice !== undefined) return sample(choice, context);
  if (Array.isArray(resolved.allOf)) return sample(mergeAll(resolved, context.root), context);

  switch (typeOf(resolved)) {
    case 'object':
      return sampleObject(resolved, context);
    case 'array':
      return sampleArray(resolved, context);
    case 'integer':
      return sampleNumber(resolved, true, context.index);
    case 'number':
      return sampleNumber(resolved, false, context.index);
    case 'boolean':
      return context.index % 2 === 0;
    case 'null':
      return null;
    default:
      return sampleString(resolved, context);
  }
}

function sampleObject(schema: Schema, context: SampleContext): Record<string, unknown> {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(asArray(schema.required).filter((key) => typeof key === 'string'));
  const result: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    // Optional properties are filled too (as a model usually does) until recursion gets deep.
    if (!required.has(name) && context.depth >= optionalDepthLimit) continue;
    result[name] = sample(isSchema(property) ? property : {}, {
      ...context,
      depth: context.depth + 1,
      name,
      index: 0,
    });
  }
  for (const name of required) {
    if (!(name in result)) result[name] = `mock ${name}`;
  }
  return result;
}

function sampleArray(schema: Schema, context: SampleContext): unknown[] {
  const child = { ...context, depth: context.depth + 1 };
  const prefix = Array.isArray(schema.prefixItems)
    ? schema.prefixItems
    : Array.isArray(schema.items)
      ? schema.items
      : undefined;
  if (prefix !== undefined) {
    return prefix.map((item, index) => sample(isSchema(item) ? item : {}, { ...child, index }));
  }
  const minItems = nonNegativeInteger(schema.minItems) ?? 0;
  const maxItems = nonNegativeInteger(schema.maxItems) ?? Number.POSITIVE_INFINITY;
  const wanted = context.depth >= optionalDepthLimit ? minItems : Math.max(minItems, 1);
  const count = Math.min(wanted, maxItems);
  const items = isSchema(schema.items) ? schema.items : {};
  return Array.from({ length: count }, (_, index) => sample(items, { ...child, index }));
}

const formatSamples: Record<string, string> = {
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '12:00:00Z',
  duration: 'PT1H',
  email: 'mock@example.com',
  hostname: 'mock.example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  uri: 'https://example.com/mock',
  url: 'https://example.com/mock',
  uuid: '00000000-0000-4000-8000-000000000000',
};

function sampleString(schema: Schema, context: SampleContext): string {
  const format = typeof schema.format === 'string' ? formatSamples[schema.format] : undefined;
  let text = format ?? (context.name === '' ? 'mock' : `mock ${context.name}`);
  if (format === undefined && context.index > 0) text += ` ${context.index + 1}`;
  const minLength = nonNegativeInteger(schema.minLength) ?? 0;
  const maxLength = nonNegativeInteger(schema.maxLength);
  if (text.length < minLength) text = text.padEnd(minLength, 'x');
  if (maxLength !== undefined && text.length > maxLength) text = text.slice(0, maxLength);
  return text;
}

function sampleNumber(schema: Schema, integer: boolean, index: number): number {
  const step =
    typeof schema.multipleOf === 'number' && schema.multipleOf > 0
      ? schema.multipleOf
      : integer
        ? 1
        : undefined;
  const { low, high } = bounds(schema, integer, step);
  let value = (integer ? 42 : 4.2) + index;
  if (low !== undefined && value < low) value = low + index;
  if (high !== undefined && value > high) value = high;
  if (step !== undefined) {
    value = Math.round(value / step) * step;
    if (low !== undefined && value < low) value += step;
    if (high !== undefined && value > high) value -= step;
  }
  return integer ? Math.round(value) : value;
}

/** Inclusive bounds, turning exclusive ones (draft-4 booleans or draft-6 numbers) into inclusive. */
function bounds(schema: Schema, integer: boolean, step: number | undefined): { low?: number; high?: number } {
  const nudge = step ?? (integer ? 1 : 1e-6);
  const minimum = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const maximum = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  let low = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + nudge : minimum;
  let high = typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - nudge : maximum;
  if (schema.exclusiveMinimum === true && minimum !== undefined) low = minimum + nudge;
  if (schema.exclusiveMaximum === true && maximum !== undefined) high = maximum - nudge;
  if (integer) {
    if (low !== undefined) low = Math.ceil(low);
    if (high !== undefined) high = Math.floor(high);
  }
  return { ...(low === undefined ? {} : { low }), ...(high === undefined ? {} : { high }) };
}

function typeOf(schema: Schema): string {
  const types = asArray(schema.type);
  const declared = Array.isArray(schema.type)
    ? (types.find((type) => typeof type === 'string' && type.toLowerCase() !== 'null') ?? types[0])
    : schema.type;
  if (typeof declared === 'string') return declared.toLowerCase();
  if (isSchema(schema.properties) || schema.required !== undefined) return 'object';
  if (schema.items !== undefined || schema.prefixItems !== undefined) return 'array';
  return 'string';
}

function resolveReference(schema: Schema, root: Schema): Schema {
  let current = schema;
  // A chain of `$ref`s is followed a few steps; a cycle of bare references resolves to "any value".
  for (let hops = 0; typeof current.$ref === 'string' && hops < 8; hops += 1) {
    const target = followPointer(root, current.$ref);
    if (target === undefined) return {};
    const { $ref: _ref, ...siblings } = current;
    current = { ...target, ...siblings };
  }
  return current;
}

function followPointer(root: Schema, reference: string): Schema | undefined {
  if (reference === '#') return root;
  if (!reference.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of reference.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    node = isSchema(node) ? node[key] : undefined;
  }
  return isSchema(node) ? node : undefined;
}

function firstNonNullOption(options: unknown): Schema | undefined {
  if (!Array.isArray(options)) return undefined;
  const schemas = options.filter(isSchema);
  return schemas.find((option) => option.type !== 'null') ?? schemas[0];
}

/** Folds `allOf` members into one schema: properties merged, required lists joined. */
function mergeAll(schema: Schema, root: Schema): Schema {
  const { allOf, ...rest } = schema;
  const members = asArray(allOf)
    .filter(isSchema)
    .map((member) => resolveReference(member, root));
  let merged: Schema = rest;
  for (const member of members) {
    const properties = {
      ...(isSchema(merged.properties) ? merged.properties : {}),
      ...(isSchema(member.properties) ? member.properties : {}),
    };
    const required = [...asArray(merged.required), ...asArray(member.required)];
    merged = { ...member, ...merged, properties, required };
  }
  return merged;
}

function nonNegativeInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** Narrows to `unknown[]` (Array.isArray alone would give `any[]`). */
function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
