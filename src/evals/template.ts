/**
 * `{{var}}` templates of suite prompts and assertion values: `{{name}}` or `{{a.b}}` (dotted paths into
 * objects), whitespace allowed inside the braces, no HTML escaping (prompts are not HTML). A missing
 * variable renders empty, as in Mustache; objects render as JSON.
 */
const placeholder = /\{\{\s*([\w.-]+)\s*\}\}/g;

/**
 * @example renderTemplate('Hi {{ user.name }}', { user: { name: 'Ada' } }) // → 'Hi Ada'
 */
export function renderTemplate(template: string, vars: Readonly<Record<string, unknown>>): string {
  if (!template.includes('{{')) return template;
  return template.replace(placeholder, (_, path: string) => {
    let value: unknown = vars;
    for (const part of path.split('.')) {
      value =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
    }
    if (value === undefined || value === null) return '';
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
      return String(value);
    return JSON.stringify(value) ?? '';
  });
}
