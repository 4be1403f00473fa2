/**
 * PII detection: one recognizer per entity type (a pattern, an optional validator such as Luhn or
 * mod-97, a base score), then context words near the match raise or lower the score, the way
 * Presidio's recognizers and context enhancer work. Overlapping candidates keep the most confident.
 * Pure and synchronous; every pattern is compiled once at module load.
 */
import { isIPv6 } from 'node:net';
import type { Finding } from '../types.js';
import { isPlausibleSsn, isValidIban, passesLuhn } from './checksums.js';
import { isValidBase58CheckAddress } from './crypto-address.js';
import type { PiiEntity } from './entities.js';

interface Recognizer {
  entity: PiiEntity;
  /** Global pattern; with a capture group, only the group is the entity (`Name: <Jane Doe>`). */
  pattern: RegExp;
  /** Base score of a match, or null to reject it (a failed checksum). */
  score: (match: string) => number | null;
  /** Words near the match that make it more likely this entity. */
  context?: RegExp;
  /** Words near the match that make it less likely (an order number is not a phone). */
  negativeContext?: RegExp;
  /** Dates are PII only as a date of birth: without context words they are dropped. */
  contextRequired?: boolean;
}

export interface PiiOptions {
  /** Entity types to report (default: all). */
  entities?: ReadonlySet<PiiEntity>;
  /** Minimum score to report (default 0.5). */
  threshold?: number;
}

const contextBoost = 0.35;
const contextPenalty = 0.3;
/** Characters before / after a match searched for context words. */
const contextBefore = 64;
const contextAfter = 24;

const words = (...list: string[]): RegExp => new RegExp(`(?:^|[^a-z])(?:${list.join('|')})(?![a-z])`, 'i');

const dateNumeric = /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})$/;
const cardPrefix = /^(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|35|6|50|5[6-9]|1800|2131)/;

function phoneScore(match: string): number | null {
  const digits = match.replace(/x.*$|ext.*$/i, '').replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return null;
  if (dateNumeric.test(match.trim())) return null;
  if (match.startsWith('+')) return 0.7;
  const separated = /[\s().-]/.test(match);
  if (!separated) return digits.length === 10 ? 0.4 : 0.25;
  return digits.length >= 10 ? 0.55 : 0.4;
}

function cardScore(match: string): number | null {
  const digits = match.replace(/\D/g, '');
  if (digits.length < 12 || digits.length > 19 || !cardPrefix.test(digits) || !passesLuhn(digits))
    return null;
  // Runs of one digit pass Luhn but are test fillers.
  if (/^(\d)\1+$/.test(digits)) return null;
  return digits.length >= 13 ? 0.85 : 0.45;
}

function ipv6Score(match: string): number | null {
  const groups = match.split(':').filter((group) => group !== '');
  return groups.length >= 2 && isIPv6(match) ? 0.7 : null;
}

const phoneContext = words(
  'phone',
  'tel',
  'telephone',
  'mobile',
  'cell',
  'fax',
  'call',
  'calling',
  'text',
  'sms',
  'whatsapp',
  'contact',
  'reach',
  'number',
  'office',
  'desk',
  'dial',
  'answering',
  'messages to',
  'registered',
  'landline',
);

const recognizers: readonly Recognizer[] = [
  {
    entity: 'EMAIL_ADDRESS',
    pattern: /\b[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}\b/g,
    score: () => 1,
  },
  {
    entity: 'URL',
    pattern: /\b(?:https?:\/\/|www\.)[^\s<>"'`]+[^\s<>"'`.,;:!?)\]]/gi,
    score: () => 0.6,
    context: words('url', 'link', 'website', 'site', 'visit', 'page'),
  },
  {
    entity: 'CREDIT_CARD',
    pattern: /(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d-])/g,
    score: cardScore,
    context: words(
      'card',
      'credit',
      'debit',
      'visa',
      'mastercard',
      'amex',
      'american express',
      'cc',
      'payment',
      'pay',
      'discover',
      'maestro',
      'jcb',
      'diners',
    ),
  },
  {
    entity: 'IBAN_CODE',
    pattern: /\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,4})?\b/g,
    score: (match) => (isValidIban(match) ? 0.9 : null),
    context: words('iban', 'bank', 'account', 'transfer', 'wire', 'sepa'),
  },
  {
    entity: 'US_SSN',
    pattern: /(?<![\d-])\d{3}([- ]?)\d{2}\1\d{4}(?![\d-])/g,
    score: (match) => (isPlausibleSsn(match) ? (/\d{9}/.test(match) ? 0.3 : 0.6) : null),
    context: words(
      'ssn',
      'social security',
      'ss#',
      'ssn#',
      'social',
      'security number',
      'tax id',
      'taxpayer',
    ),
    negativeContext: words('phone', 'tel', 'telephone', 'mobile', 'cell', 'fax', 'call', 'whatsapp'),
  },
  {
    entity: 'PHONE_NUMBER',
    pattern:
      /(?<![\w+/.:-])(?:\+\d{1,3}[ \t.-]?)?(?:\(\d{1,4}\)[ \t.-]?)?\d{1,5}(?:[ \t.-]?\(?\d{1,5}\)?){1,5}(?:[ \t]?(?:x|ext\.?)[ \t]?\d{1,5})?(?![\w/:])/g,
    score: phoneScore,
    context: phoneContext,
    negativeContext: words(
      'order',
      'invoice',
      'tracking',
      'zip',
      'postal',
      'isbn',
      'account',
      'serial',
      'id',
      'ref',
      'reference',
      'social security',
      'ssn',
      'version',
      'license',
      'licence',
      'passport',
    ),
  },
  {
    entity: 'IP_ADDRESS',
    pattern:
      /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.])/g,
    score: () => 0.6,
    context: words(
      'ip',
      'address',
      'server',
      'host',
      'client',
      'gateway',
      'dns',
      'subnet',
      'login',
      'logged',
    ),
    negativeContext: words('version', 'v', 'release', 'build'),
  },
  {
    entity: 'IP_ADDRESS',
    pattern: /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])/g,
    score: ipv6Score,
    context: words('ip', 'ipv6', 'address', 'server', 'host'),
  },
  {
    entity: 'MAC_ADDRESS',
    pattern:
      /\b(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})\b/g,
    score: () => 0.8,
    context: words('mac', 'hardware', 'ethernet', 'wifi', 'device', 'nic'),
  },
  {
    entity: 'CRYPTO',
    pattern: /\b(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}|bc1[02-9ac-hj-np-z]{11,71}|0x[0-9a-fA-F]{40})\b/g,
    score: (match) => {
      if (match.startsWith('0x')) return 0.6;
      if (match.startsWith('bc1')) return 0.8;
      return isValidBase58CheckAddress(match) ? 1 : null;
    },
    context: words('wallet', 'bitcoin', 'btc', 'ethereum', 'eth', 'crypto', 'address', 'send', 'usdt'),
  },
  {
    entity: 'DATE_TIME',
    pattern:
      /\b(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})|\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,? \d{4}|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4})\b/gi,
    score: () => 0.85,
    context: words(
      'born',
      'birth',
      'birthday',
      'dob',
      'd\\.o\\.b',
      'birthdate',
      'date of birth',
      'geboren',
      'né',
      'née',
      'nacimiento',
      'nascita',
    ),
    contextRequired: true,
  },
  {
    entity: 'PERSON',
    pattern:
      /(?:\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam|Mme|Herr|Frau)\.?|\b[Mm]y name is|\b[Nn]ame\s*:|\bI am|\bI'm|\b[Dd]ear|\b[Rr]egards,|\b[Ss]incerely,|\b[Tt]his is|\b[Cc]all me|\b[Ss]igned,?|\b[Cc]ontact)[ \t]*\n?[ \t]*((?:[A-Z][a-z'’-]+|[A-Z]\.)(?:[ \t]+(?:[A-Z][a-z'’-]+|[A-Z]\.)){0,2})/dg,
    score: (match) => (notName.has(match.split(/\s/)[0] ?? '') ? null : 0.6),
  },
];

/** Capitalised words that follow "I am", "This is"… without being names. */
const notName = new Set(
  'The A An I It This That Not Very So Just Also Here There Sorry Happy Glad Sure Interested Looking Writing Trying Going Calling Contacting Reaching Unable Able Available Currently Still Now Please Thanks Thank Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September October November December Customer Support Team Sales Service Your Our My We They He She You Us'.split(
    ' ',
  ),
);

/**
 * Finds PII in `text`, most confident first where candidates overlap, sorted by position.
 *
 * @example
 * detectPii('Mail me at jane@example.com')
 * // → [{ type: 'EMAIL_ADDRESS', start: 11, end: 27, score: 1, text: 'jane@example.com' }]
 */
export function detectPii(text: string, options: PiiOptions = {}): Finding[] {
  const threshold = options.threshold ?? 0.5;
  const candidates: Finding[] = [];
  for (const recognizer of recognizers) {
    if (options.entities !== undefined && !options.entities.has(recognizer.entity)) continue;
    recognizer.pattern.lastIndex = 0;
    for (const match of text.matchAll(recognizer.pattern)) {
      const span = match.indices?.[1] ?? [match.index, match.index + match[0].length];
      const value = text.slice(span[0], span[1]);
      const base = recognizer.score(value);
      if (base === null) continue;
      const score = withContext(text, span[0], span[1], base, recognizer);
      if (score === null || score < threshold) continue;
      candidates.push({ type: recognizer.entity, start: span[0], end: span[1], score, text: value });
    }
  }
  return keepMostConfident(candidates);
}

function withContext(
  text: string,
  start: number,
  end: number,
  base: number,
  recognizer: Recognizer,
): number | null {
  if (recognizer.context === undefined && recognizer.negativeContext === undefined) return base;
  const window =
    text.slice(Math.max(0, start - contextBefore), start) + ' ' + text.slice(end, end + contextAfter);
  const supported = recognizer.context?.test(window) === true;
  if (recognizer.contextRequired === true && !supported) return null;
  let score = supported ? base + contextBoost : base;
  if (recognizer.negativeContext?.test(window) === true) score -= contextPenalty;
  return Math.max(0, Math.min(1, score));
}

/** Where candidates overlap, the higher score (then the longer span) wins. */
function keepMostConfident(candidates: Finding[]): Finding[] {
  candidates.sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start));
  const kept: Finding[] = [];
  for (const candidate of candidates) {
    if (kept.some((other) => candidate.start < other.end && other.start < candidate.end)) continue;
    kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}
