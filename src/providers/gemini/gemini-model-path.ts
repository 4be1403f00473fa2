/**
 * The resource name of a model in Gemini URLs and bodies: `gemini-2.5-flash` → `models/gemini-2.5-flash`,
 * while names that already carry a collection (`models/…`, `tunedModels/…`) are kept as given.
 */
export function geminiModelPath(model: string): string {
  return model.includes('/') ? model : `models/${model}`;
}

/** The same name as a URL path: each segment escaped, so a model name cannot add a query or a fragment. */
export function geminiUrlPath(model: string): string {
  return geminiModelPath(model).split('/').map(encodeURIComponent).join('/');
}
