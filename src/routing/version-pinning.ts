/**
 * Pinned versions vs floating aliases. `gpt-4o-2024-08-06`, `claude-3-5-sonnet-20241022`,
 * `gemini-1.5-pro-002` name one model build; `gpt-4o`, `claude-3-5-sonnet-latest`, `gemini-pro` are
 * aliases the provider may move to a new build at any time, changing answers without a config
 * change. Routing health flags the floating ones.
 */
const versionSuffix = /(-\d{4}-\d{2}-\d{2}|-\d{8}|[-@]\d{3}|@\d{8}|-v\d+(:\d+)?|:\d+)$/;
const floatingSuffix = /(-latest|-preview|-exp)$/;

export function looksPinned(model: string): boolean {
  if (model.includes('*') || floatingSuffix.test(model)) return false;
  return versionSuffix.test(model);
}
