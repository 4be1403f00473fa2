/**
 * JSON output checks: is the answer valid JSON, and does it match a JSON Schema (from the request's
 * `response_format` or from the policy)? Schemas are compiled with ajv once and cached by their text,
 * so a schema repeated on every request costs one compile. The errors are phrased for a re-ask.
 */
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import type { Detection } from '../types.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new Map<string, ValidateFunction | Error>();
const maxCachedSchemas = 256;

function validatorFor(schema: Record<string, unknown>): ValidateFunction | Error {
  const key = JSON.stringify(schema);
  let validator = compiled.get(key);
  if (validator === undefined) {
    try {
      validator = ajv.compile(schema);
    } catch (error) {
      validator = error instanceof Error ? error : new Error(String(error));
    }
    if (compiled.size >= maxCachedSchemas) compiled.delete(compiled.keys().next().value ?? '');
    compiled.set(key, validator);
  }
  return validator;
}

/**
 * Score 1 with the problems listed when `text` is not JSON or breaks `schema`; 0 otherwise.
 *
 * @example
 * checkJson('{"age": "x"}', { type: 'object', properties: { age: { type: 'number' } } }).details
 * // → { errors: ['/age must be number'] }
 */
export function checkJson(text: string, schema?: Record<string, unknown>): Detection {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'not JSON';
    return { score: 1, findings: [], details: { errors: [`the answer is not valid JSON: ${reason}`] } };
  }
  if (schema === undefined) return { score: 0, findings: [] };
  const validator = validatorFor(schema);
  if (validator instanceof Error) {
    return { score: 0, findings: [], details: { schemaError: validator.message } };
  }
  if (validator(value)) return { score: 0, findings: [] };
  const errors = (validator.errors ?? []).map(
    (problem) =>
      `${problem.instancePath === '' ? '(root)' : problem.instancePath} ${problem.message ?? 'is invalid'}`,
  );
  return { score: 1, findings: [], details: { errors } };
}
