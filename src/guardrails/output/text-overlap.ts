/**
 * Lexical overlap measures shared by the output checks that compare an answer to a reference text:
 * word n-gram sets (system-prompt leak) and content-word coverage (grounding).
 */

const stopwords = new Set(
  'a an the and or but if then else of to in on at by for with from as is are was were be been being it its this that these those there here i you he she we they me him her us them my your his our their what which who whom whose when where why how not no yes do does did done have has had can could should would will shall may might must so than too very just also only into over under about after before again further once all any both each few more most other some such own same s t don now'.split(
    ' ',
  ),
);

export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function contentWords(text: string): string[] {
  return words(text).filter((word) => word.length > 2 && !stopwords.has(word));
}

export function ngramSet(tokens: readonly string[], n: number): Set<string> {
  const grams = new Set<string>();
  for (let index = 0; index + n <= tokens.length; index += 1)
    grams.add(tokens.slice(index, index + n).join(' '));
  return grams;
}
