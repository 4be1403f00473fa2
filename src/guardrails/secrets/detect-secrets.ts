/**
 * Secret detection: credentials that must never reach a model or a log — provider API keys, cloud
 * keys, tokens, private keys, JWTs and connection strings with passwords. Each pattern is anchored on
 * a vendor's documented prefix where one exists; generic `password = …` assignments also need the
 * value to look random (Shannon entropy), so `password = "changeme"` style prose is not flagged.
 */
import type { Finding } from '../types.js';

interface SecretPattern {
  type: string;
  pattern: RegExp;
  score: number;
  /** Minimum Shannon entropy (bits per character) of the captured value. */
  minEntropy?: number;
}

const secretPatterns: readonly SecretPattern[] = [
  {
    type: 'PRIVATE_KEY',
    pattern:
      /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    score: 1,
  },
  { type: 'ANTHROPIC_API_KEY', pattern: /\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{20,}/g, score: 1 },
  {
    type: 'OPENAI_API_KEY',
    pattern:
      /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}|\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|\bsk-[A-Za-z0-9]{48}\b/g,
    score: 1,
  },
  { type: 'AWS_ACCESS_KEY_ID', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g, score: 0.95 },
  {
    type: 'AWS_SECRET_ACCESS_KEY',
    pattern: /\baws_?secret_?(?:access_?)?key\b["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})\b/gi,
    score: 1,
  },
  { type: 'GOOGLE_API_KEY', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g, score: 0.95 },
  { type: 'GOOGLE_OAUTH_TOKEN', pattern: /\bya29\.[0-9A-Za-z_-]{20,}/g, score: 0.9 },
  { type: 'AZURE_STORAGE_KEY', pattern: /\bAccountKey=[A-Za-z0-9+/]{86}==/g, score: 1 },
  {
    type: 'GITHUB_TOKEN',
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{82})\b/g,
    score: 1,
  },
  { type: 'GITLAB_TOKEN', pattern: /\bglpat-[A-Za-z0-9_-]{20}\b/g, score: 1 },
  { type: 'SLACK_TOKEN', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, score: 1 },
  {
    type: 'SLACK_WEBHOOK',
    pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/g,
    score: 1,
  },
  { type: 'STRIPE_KEY', pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,}\b/g, score: 1 },
  { type: 'HUGGINGFACE_TOKEN', pattern: /\bhf_[A-Za-z]{34}\b/g, score: 0.95 },
  { type: 'SENDGRID_KEY', pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g, score: 1 },
  { type: 'TWILIO_KEY', pattern: /\bSK[0-9a-f]{32}\b/g, score: 0.8 },
  { type: 'NPM_TOKEN', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g, score: 1 },
  { type: 'JWT', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g, score: 0.9 },
  {
    type: 'CONNECTION_STRING',
    pattern:
      /\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|clickhouse):\/\/[^\s:/@]+:([^\s@/]+)@[^\s"'`]+/gi,
    score: 0.95,
  },
  {
    type: 'CONNECTION_STRING',
    pattern: /\b(?:Server|Data Source)=[^;\n]+;[^\n]*?\b(?:Password|Pwd)=([^;\s]+)/gi,
    score: 0.95,
  },
  {
    type: 'GENERIC_SECRET',
    pattern:
      /\b(?:api[_-]?key|apikey|secret(?:[_-]?key)?|access[_-]?token|auth[_-]?token|client[_-]?secret|password|passwd)\b["']?\s*[:=]\s*["']?([A-Za-z0-9_\-+/=.!@#$%^&*]{16,})/gi,
    score: 0.8,
    minEntropy: 3.5,
  },
];

/** Shannon entropy in bits per character. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const share = count / text.length;
    entropy -= share * Math.log2(share);
  }
  return entropy;
}

/**
 * Finds secrets; findings carry no `text`, so a verdict never repeats the secret it found. Where a
 * pattern captures the secret part (the password of a connection string), only that part is the span.
 *
 * @example
 * detectSecrets('key: AKIAIOSFODNN7EXAMPLE')[0].type // → 'AWS_ACCESS_KEY_ID'
 */
export function detectSecrets(text: string): Finding[] {
  const findings: Finding[] = [];
  for (const { type, pattern, score, minEntropy } of secretPatterns) {
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) {
      const captured = match[1];
      const start = captured === undefined ? match.index : match.index + match[0].lastIndexOf(captured);
      const end = captured === undefined ? match.index + match[0].length : start + captured.length;
      if (minEntropy !== undefined && shannonEntropy(text.slice(start, end)) < minEntropy) continue;
      if (findings.some((other) => start < other.end && other.start < end)) continue;
      findings.push({ type, start, end, score });
    }
  }
  return findings.sort((a, b) => a.start - b.start);
}
