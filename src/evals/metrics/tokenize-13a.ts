/**
 * sacreBLEU's default `13a` tokenizer (mteval-v13a.pl): unescape a few XML entities, split punctuation
 * and symbols off words, split `.` and `,` unless between digits, and a dash after a digit.
 */

// Every pattern is built once; tokenizing is on the scoring path of large runs.
const symbols = /([{-~[-`\x20-&(-+:-@/])/g;
const periodCommaAfterNonDigit = /([^0-9])([.,])/g;
const periodCommaBeforeNonDigit = /([.,])([^0-9])/g;
const dashAfterDigit = /([0-9])(-)/g;
const whitespace = /\s+/;

/**
 * @example tokenize13a("It wasn't surprising.") // → "It wasn't surprising ."
 */
export function tokenize13a(line: string): string {
  let text = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (text.includes('&')) {
    text = text
      .replaceAll('&quot;', '"')
      .replaceAll('&amp;', '&')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>');
  }
  text = ` ${text} `
    .replace(symbols, ' $1 ')
    .replace(periodCommaAfterNonDigit, '$1 $2 ')
    .replace(periodCommaBeforeNonDigit, ' $1 $2')
    .replace(dashAfterDigit, '$1 $2 ');
  return text
    .split(whitespace)
    .filter((token) => token !== '')
    .join(' ');
}
