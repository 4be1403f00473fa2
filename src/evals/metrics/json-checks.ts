/**
 * JSON assertions: the output parses as JSON (optionally inside a ```json fence, as models often
 * answer), and optionally validates against a JSON Schema with ajv, the reference validator.
 */
import { Ajv, type ValidateFunction } from 'ajv';

const ajv = new Ajv({ allErrors: true, strict: false });
// Suites reuse one schema across every item: compile it once.
const compiled = new WeakMap<object, ValidateFunction>();
const fence = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/;

export type JsonParse = { ok: true; value: unknown } | { ok: false; error: string };

export function parseJsonOutput(output: string): JsonParse {
  const text = fence.exec(output)?.[1] ?? output;
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

export interface SchemaCheck {
  valid: boolean;
  /** ajv's messages, `instancePath message`, when invalid. */
  errors: string[];
}

export function validateJsonSchema(value: unknown, schema: object): SchemaCheck {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return { valid: true, errors: [] };
  return {
    valid: false,
    errors: (validate.errors ?? []).map(
      (error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`,
    ),
  };
}
