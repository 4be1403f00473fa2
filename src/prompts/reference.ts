/**
 * Prompt references: what a client writes in `model` (`prompt:support-answer`, `…@staging`, `…@7`)
 * and what a template writes to include another prompt (`{{> footer}}`, `{{> footer@2}}`).
 */

export interface PromptReference {
  name: string;
  /** The label asked for, or null when a version number was. */
  label: string | null;
  version: number | null;
}

/** The `model` prefix that makes a chat call a call by prompt reference. */
export const promptModelPrefix = 'prompt:';
/** The label served when a reference names neither label nor version. */
export const defaultLabel = 'production';
/** The label the registry moves to every new version by itself. */
export const latestLabel = 'latest';

export const promptNamePattern = /^[A-Za-z0-9][\w.-]{0,127}$/;
export const labelPattern = /^[a-z][a-z0-9_-]{0,63}$/;
const versionPattern = /^[1-9]\d{0,8}$/;

/**
 * Parses `name`, `name@label` or `name@7`; null when that is not a valid reference.
 *
 * @example
 * parsePromptReference('support-answer@staging'); // { name: 'support-answer', label: 'staging', version: null }
 */
export function parsePromptReference(text: string): PromptReference | null {
  const at = text.lastIndexOf('@');
  const name = at === -1 ? text : text.slice(0, at);
  const selector = at === -1 ? null : text.slice(at + 1);
  if (!promptNamePattern.test(name)) return null;
  if (selector === null) return { name, label: defaultLabel, version: null };
  if (versionPattern.test(selector)) return { name, label: null, version: Number(selector) };
  if (labelPattern.test(selector)) return { name, label: selector, version: null };
  return null;
}

export function formatPromptReference(reference: PromptReference): string {
  if (reference.version !== null) return `${reference.name}@${reference.version}`;
  return reference.label === defaultLabel ? reference.name : `${reference.name}@${reference.label ?? ''}`;
}
