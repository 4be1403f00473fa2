/**
 * Undoing the disguises attackers put on instructions before rules look at them: Unicode
 * compatibility forms and invisible characters, look-alike letters from other scripts (homoglyphs),
 * leetspeak, s p a c e d letters, and encoded payloads (base64, hex, rot13, percent-encoding).
 * Every function is pure; each variant is checked by the same rules as the plain text.
 */

const invisible = /[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g;

/** Cyrillic and Greek letters that render like Latin ones. */
const homoglyphs = new Map<string, string>(
  Object.entries({
    а: 'a',
    в: 'b',
    е: 'e',
    ё: 'e',
    к: 'k',
    м: 'm',
    н: 'h',
    о: 'o',
    р: 'p',
    с: 'c',
    т: 't',
    у: 'y',
    х: 'x',
    ѕ: 's',
    і: 'i',
    ї: 'i',
    ј: 'j',
    ԁ: 'd',
    ԛ: 'q',
    ԝ: 'w',
    ɡ: 'g',
    α: 'a',
    β: 'b',
    ε: 'e',
    η: 'n',
    ι: 'i',
    κ: 'k',
    ν: 'v',
    ο: 'o',
    ρ: 'p',
    τ: 't',
    υ: 'u',
    χ: 'x',
    ω: 'w',
    ք: 'p',
    օ: 'o',
  }),
);
const homoglyphPattern = new RegExp(`[${[...homoglyphs.keys()].join('')}]`, 'g');
const hasHomoglyph = new RegExp(`[${[...homoglyphs.keys()].join('')}]`);
/** Only words that mix Latin letters with look-alikes are folded; Russian or Greek prose stays itself. */
const mixedScriptWord = /[\p{L}\p{M}]*[a-z][\p{L}\p{M}]*/gu;

function foldHomoglyphs(word: string): string {
  return hasHomoglyph.test(word)
    ? word.replace(homoglyphPattern, (char) => homoglyphs.get(char) ?? char)
    : word;
}

/**
 * Lower case, NFKC (fullwidth and mathematical letters become ASCII), invisible characters removed,
 * homoglyphs folded to Latin, whitespace collapsed.
 */
export function normalizeForRules(text: string): string {
  // NFKC only matters for non-ASCII text; most prompts are ASCII and skip it.
  // eslint-disable-next-line no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(text);
  let normalized = (ascii ? text : text.normalize('NFKC').replace(invisible, '')).toLowerCase();
  if (!ascii && hasHomoglyph.test(normalized))
    normalized = normalized.replace(mixedScriptWord, foldHomoglyphs);
  return normalized.replace(/\s+/g, ' ');
}

const leet = new Map(
  Object.entries({
    '0': 'o',
    '1': 'i',
    '3': 'e',
    '4': 'a',
    '5': 's',
    '7': 't',
    '@': 'a',
    $: 's',
    '|': 'l',
    '!': 'i',
  }),
);
/** Words mixing letters with leet digits/symbols (`1gn0r3`); plain numbers are left alone. */
const leetWord = /\b(?=[a-z0-9@$|!]*[a-z])(?=[a-z0-9@$|!]*[013457@$|!])[a-z0-9@$|!]{3,}\b/g;

export function undoLeetspeak(normalized: string): string {
  return normalized.replace(leetWord, (word) => [...word].map((char) => leet.get(char) ?? char).join(''));
}

/** `i g n o r e  a l l` → `ignore all` (runs of at least four single letters). */
export function joinSpacedLetters(normalized: string): string {
  return normalized.replace(/\b(?:[a-z][ .\-_*]){3,}[a-z]\b/g, (run) => run.replace(/[ .\-_*]/g, ''));
}

export function rot13(text: string): string {
  return text.replace(/[a-z]/gi, (char) => {
    const base = char <= 'Z' ? 65 : 97;
    return String.fromCharCode(((char.charCodeAt(0) - base + 13) % 26) + base);
  });
}

export interface DecodedPayload {
  encoding: 'base64' | 'hex' | 'rot13' | 'url' | 'binary' | 'morse';
  text: string;
}

const base64Run = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
const hexRun = /\b(?:[0-9a-fA-F]{2}[\s:]?){12,}/g;
const percentRun = /(?:%[0-9a-fA-F]{2}){6,}/g;
const binaryRun = /\b(?:[01]{8}\s?){6,}/g;
const morseRun = /(?:[.-]{1,6}[ /]+){6,}[.-]{1,6}/g;
const morse = new Map(
  Object.entries({
    '.-': 'a',
    '-...': 'b',
    '-.-.': 'c',
    '-..': 'd',
    '.': 'e',
    '..-.': 'f',
    '--.': 'g',
    '....': 'h',
    '..': 'i',
    '.---': 'j',
    '-.-': 'k',
    '.-..': 'l',
    '--': 'm',
    '-.': 'n',
    '---': 'o',
    '.--.': 'p',
    '--.-': 'q',
    '.-.': 'r',
    '...': 's',
    '-': 't',
    '..-': 'u',
    '...-': 'v',
    '.--': 'w',
    '-..-': 'x',
    '-.--': 'y',
    '--..': 'z',
  }),
);

function decodeMorse(text: string): string {
  return text
    .trim()
    .split(/\s*\/\s*|\s{2,}/)
    .map((word) =>
      word
        .split(/\s+/)
        .map((letter) => morse.get(letter) ?? '?')
        .join(''),
    )
    .join(' ');
}
/** Payloads longer than this are not decoded (cost bound). */
const maxPayload = 20_000;

/** Mostly printable text with letters and spaces: a decoded payload worth checking. */
function isReadable(text: string): boolean {
  if (text.length < 8) return false;
  let printable = 0;
  let letters = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if ((code >= 32 && code < 127) || code === 10 || code === 9) printable += 1;
    if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) letters += 1;
  }
  return printable / text.length > 0.9 && letters / text.length > 0.5 && text.includes(' ');
}

/**
 * Encoded segments of `text`, decoded, that read as text. rot13 is offered only when the text names it:
 * rot13 of ordinary prose is gibberish no rule matches, so checking it otherwise only costs time.
 */
export function decodePayloads(text: string): DecodedPayload[] {
  const payloads: DecodedPayload[] = [];
  for (const match of text.matchAll(base64Run)) {
    if (match[0].length > maxPayload) continue;
    const decoded = Buffer.from(match[0].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    if (isReadable(decoded)) payloads.push({ encoding: 'base64', text: decoded });
  }
  for (const match of text.matchAll(hexRun)) {
    if (match[0].length > maxPayload) continue;
    const decoded = Buffer.from(match[0].replace(/[\s:]/g, ''), 'hex').toString('utf8');
    if (isReadable(decoded)) payloads.push({ encoding: 'hex', text: decoded });
  }
  for (const match of text.matchAll(percentRun)) {
    try {
      const decoded = decodeURIComponent(match[0]);
      if (isReadable(decoded)) payloads.push({ encoding: 'url', text: decoded });
    } catch {
      // Not valid UTF-8 percent-encoding: nothing to check.
    }
  }
  for (const match of text.matchAll(binaryRun)) {
    const bytes = match[0]
      .trim()
      .split(/\s+|(?<=^(?:[01]{8})+)(?=[01])/)
      .map((byte) => parseInt(byte, 2));
    const decoded = String.fromCharCode(...bytes.filter((byte) => byte > 0 && byte < 256));
    if (isReadable(decoded)) payloads.push({ encoding: 'binary', text: decoded });
  }
  for (const match of text.matchAll(morseRun)) {
    const decoded = decodeMorse(match[0]);
    if (decoded.includes(' ') && !decoded.includes('?')) payloads.push({ encoding: 'morse', text: decoded });
  }
  if (/rot-?13|caesar|rotate/i.test(text)) payloads.push({ encoding: 'rot13', text: rot13(text) });
  return payloads;
}
