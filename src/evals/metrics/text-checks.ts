/**
 * The string assertions a suite writes most (Promptfoo's names): equality, containment (case-sensitive
 * or not, any or all of a list), regular expressions, prefixes and length bounds. Pure predicates.
 */

export function equals(output: string, expected: string): boolean {
  return output === expected;
}

export function contains(output: string, value: string, ignoreCase = false): boolean {
  return ignoreCase ? output.toLowerCase().includes(value.toLowerCase()) : output.includes(value);
}

export function containsAny(output: string, values: readonly string[], ignoreCase = false): boolean {
  return values.some((value) => contains(output, value, ignoreCase));
}

export function containsAll(output: string, values: readonly string[], ignoreCase = false): boolean {
  return values.every((value) => contains(output, value, ignoreCase));
}

export function startsWith(output: string, prefix: string): boolean {
  return output.startsWith(prefix);
}

/**
 * `pattern` is a JavaScript regular expression, either bare (`\d+`) or in slashes with flags (`/yes/i`).
 * Throws a `SyntaxError` naming the pattern when it does not compile.
 */
export function compilePattern(pattern: string): RegExp {
  const slashed = /^\/(.*)\/([dgimsuvy]*)$/s.exec(pattern);
  try {
    return slashed === null ? new RegExp(pattern) : new RegExp(slashed[1] ?? '', slashed[2]);
  } catch (error) {
    throw new SyntaxError(`invalid regular expression ${pattern}: ${(error as Error).message}`);
  }
}

export function matchesPattern(output: string, pattern: string): boolean {
  return compilePattern(pattern).test(output);
}

export interface LengthBounds {
  min?: number;
  max?: number;
}

/** Length in characters (code points), inclusive bounds. */
export function withinLength(output: string, bounds: LengthBounds): boolean {
  const length = [...output].length;
  return (
    (bounds.min === undefined || length >= bounds.min) && (bounds.max === undefined || length <= bounds.max)
  );
}
