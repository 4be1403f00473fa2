/**
 * JSON Schema (what OpenAI clients send for tool parameters and `json_schema` response formats) to
 * Gemini's Schema, an OpenAPI 3.0 subset that answers 400 to any keyword it does not know.
 *
 * Built as an allow-list, like vercel/ai's `convert-json-schema-to-openapi-schema.ts`: keywords Gemini
 * understands are copied, a few are rewritten (`type: [x, "null"]` → `nullable`, `const` → `enum`,
 * local `$ref` inlined, `allOf` merged, `oneOf` sent as `anyOf`), and every other keyword is removed and
 * reported so the caller can warn. Pure annotations (`$schema`, `$id`, `$comment`, `examples`…) and
 * `additionalProperties: false` are removed without a report: they change nothing Gemini would
 * generate, and OpenAI strict-mode schemas carry them on every object, which would make the warning noise.
 */
import type { GeminiSchema } from './api.js';

export interface GeminiSchemaConversion {
  /** Undefined when nothing is left to send (no schema, or an object without properties). */
  schema: GeminiSchema | undefined;
  /** Keywords that were removed or weakened, for a warning; empty when the conversion was exact. */
  dropped: string[];
}

/** Keywords Gemini's Schema accepts with the same meaning as JSON Schema. */
const copiedKeywords = new Set([
  'description',
  'title',
  'format',
  'enum',
  'nullable',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'minProperties',
  'maxProperties',
  'example',
  'default',
  'propertyOrdering',
  'required',
]);

/** Keywords rewritten below. */
const rewrittenKeywords = new Set([
  'type',
  'const',
  'properties',
  'items',
  'anyOf',
  'oneOf',
  'allOf',
  '$ref',
]);

/** Removed without a report: annotations and containers that carry no generation constraint. */
const silentKeywords = new Set([
  '$schema',
  '$id',
  '$comment',
  '$defs',
  'definitions',
  'examples',
  'readOnly',
  'writeOnly',
  'deprecated',
]);

/** Inlining depth for `$ref`; a deeper (recursive) reference is cut and reported. */
const maxRefDepth = 8;

interface Context {
  root: Record<string, unknown>;
  dropped: Set<string>;
  refDepth: number;
}

/**
 * Converts a JSON Schema for Gemini.
 *
 * @example
 * toGeminiSchema({ type: 'object', properties: { q: { type: ['string', 'null'] } }, additionalProperties: false })
 * // → { schema: { type: 'object', properties: { q: { type: 'string', nullable: true } } }, dropped: [] }
 */
export function toGeminiSchema(jsonSchema: unknown): GeminiSchemaConversion {
  if (!isRecord(jsonSchema)) return { schema: undefined, dropped: [] };
  const context: Context = { root: jsonSchema, dropped: new Set(), refDepth: 0 };
  const schema = convert(jsonSchema, context);
  const empty = Object.keys(schema).length === 0 || isEmptyObjectSchema(schema);
  return { schema: empty ? undefined : schema, dropped: [...context.dropped].sort() };
}

function convert(node: unknown, context: Context): GeminiSchema {
  // `true` / `{}` mean "anything": Gemini has no such type, so leave the value unconstrained.
  if (!isRecord(node)) return {};
  const result: GeminiSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (copiedKeywords.has(key)) result[key] = value;
    else if (key === 'additionalProperties' && value === false) continue;
    else if (!rewrittenKeywords.has(key) && !silentKeywords.has(key)) context.dropped.add(key);
  }
  if (node.const !== undefined) result.enum = [node.const];
  if (node.type !== undefined) applyType(result, node.type);
  if (isRecord(node.properties)) {
    const properties: Record<string, GeminiSchema> = {};
    for (const [name, value] of Object.entries(node.properties)) properties[name] = convert(value, context);
    result.properties = properties;
  }
  if (Array.isArray(node.items)) {
    // Tuple validation has no Gemini equivalent: accept any of the listed item types instead.
    context.dropped.add('items (tuple)');
    result.items = { anyOf: node.items.map((item) => convert(item, context)) };
  } else if (node.items !== undefined) {
    result.items = convert(node.items, context);
  }
  if (Array.isArray(node.anyOf)) applyAnyOf(result, node.anyOf, context);
  if (Array.isArray(node.oneOf)) {
    // Gemini has no exclusive union; `anyOf` keeps the alternatives, losing only exclusivity.
    context.dropped.add('oneOf (sent as anyOf)');
    applyAnyOf(result, node.oneOf, context);
  }
  if (Array.isArray(node.allOf)) for (const member of node.allOf) mergeInto(result, convert(member, context));
  if (typeof node.$ref === 'string') mergeInto(result, resolveRef(node.$ref, context));
  return result;
}

function applyType(result: GeminiSchema, type: unknown): void {
  if (!Array.isArray(type)) {
    result.type = type;
    return;
  }
  const types = (type as unknown[]).filter((entry) => entry !== 'null');
  if (types.length < type.length) result.nullable = true;
  if (types.length === 1) result.type = types[0];
  else if (types.length > 1) result.anyOf = types.map((entry) => ({ type: entry }));
}

function applyAnyOf(result: GeminiSchema, members: unknown[], context: Context): void {
  const nonNull = members.filter((member) => !(isRecord(member) && member.type === 'null'));
  if (nonNull.length < members.length) result.nullable = true;
  const converted = nonNull.map((member) => convert(member, context));
  // `anyOf: [X, {type: null}]` is how zod and pydantic spell an optional X: send X itself.
  if (converted.length === 1 && converted[0] !== undefined) mergeInto(result, converted[0]);
  else if (converted.length > 1)
    result.anyOf = [...(Array.isArray(result.anyOf) ? (result.anyOf as unknown[]) : []), ...converted];
}

function resolveRef(ref: string, context: Context): GeminiSchema {
  const target = lookUpRef(ref, context.root);
  if (target === undefined) {
    context.dropped.add(`$ref (${ref} not found)`);
    return {};
  }
  if (context.refDepth >= maxRefDepth) {
    context.dropped.add('$ref (recursive)');
    return {};
  }
  context.refDepth += 1;
  try {
    return convert(target, context);
  } finally {
    context.refDepth -= 1;
  }
}

/** Local references only (`#`, `#/$defs/Name`, `#/definitions/Name`, any JSON pointer into the root). */
function lookUpRef(ref: string, root: Record<string, unknown>): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const segment of ref.slice(2).split('/')) {
    if (!isRecord(node)) return undefined;
    node = node[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return node;
}

/** `allOf` members and `$ref` targets merge into the schema that holds them (properties and required united). */
function mergeInto(target: GeminiSchema, source: GeminiSchema): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (key === 'properties' && isRecord(existing) && isRecord(value))
      target[key] = { ...existing, ...value };
    else if (key === 'required' && Array.isArray(existing) && Array.isArray(value)) {
      target[key] = [...new Set([...(existing as unknown[]), ...(value as unknown[])])];
    } else if (existing === undefined) target[key] = value;
  }
}

/** Gemini rejects `type: object` with no properties ("should be non-empty for OBJECT type"). */
function isEmptyObjectSchema(schema: GeminiSchema): boolean {
  return (
    schema.type === 'object' && (!isRecord(schema.properties) || Object.keys(schema.properties).length === 0)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
