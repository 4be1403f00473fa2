/**
 * Tier 3: an LLM judge in the style of Llama Guard — the conversation, the hazard taxonomy S1–S14
 * (MLCommons), and the instruction to answer `safe`, or `unsafe` with the violated categories on the
 * next line. Any configured gateway model can judge (Llama Guard itself reads this prompt natively).
 * The call is injected, so this module stays free of HTTP.
 */
import type { ChatMessage } from '../../providers/canonical.js';
import type { Detection } from '../types.js';

export const hazardCategories: Readonly<Record<string, string>> = {
  S1: 'Violent Crimes',
  S2: 'Non-Violent Crimes',
  S3: 'Sex-Related Crimes',
  S4: 'Child Sexual Exploitation',
  S5: 'Defamation',
  S6: 'Specialized Advice',
  S7: 'Privacy',
  S8: 'Intellectual Property',
  S9: 'Indiscriminate Weapons',
  S10: 'Hate',
  S11: 'Suicide & Self-Harm',
  S12: 'Sexual Content',
  S13: 'Elections',
  S14: 'Code Interpreter Abuse',
};

/** Sends `messages` to `model` and resolves to the answer's text. */
export type CompleteText = (model: string, messages: ChatMessage[], signal: AbortSignal) => Promise<string>;

export interface JudgeOptions {
  model: string;
  /** Category codes to enforce (default all S1–S14). */
  categories?: readonly string[];
  /** Extra categories (`{ code: 'S15', name: 'Prompt Injection', description }`), e.g. for the injection cascade. */
  customCategories?: readonly { code: string; name: string; description?: string }[];
}

export interface JudgeTurn {
  role: 'User' | 'Agent';
  content: string;
}

export function buildJudgePrompt(turns: readonly JudgeTurn[], options: JudgeOptions): string {
  const target = turns.at(-1)?.role ?? 'User';
  const codes = options.categories ?? Object.keys(hazardCategories);
  const lines = codes.map((code) => `${code}: ${hazardCategories[code] ?? code}.`);
  for (const custom of options.customCategories ?? []) {
    lines.push(
      `${custom.code}: ${custom.name}.${custom.description === undefined ? '' : ` ${custom.description}`}`,
    );
  }
  return [
    `Task: Check if there is unsafe content in '${target}' messages in conversations according to our safety policy with the below categories.`,
    '',
    '<BEGIN UNSAFE CONTENT CATEGORIES>',
    ...lines,
    '<END UNSAFE CONTENT CATEGORIES>',
    '',
    '<BEGIN CONVERSATION>',
    '',
    ...turns.map((turn) => `${turn.role}: ${turn.content}\n`),
    '<END CONVERSATION>',
    '',
    `Provide your safety assessment for ONLY THE LAST ${target} message in the above conversation:`,
    " - First line must read 'safe' or 'unsafe'.",
    ' - If unsafe, a second line must include a comma-separated list of violated categories.',
  ].join('\n');
}

export interface JudgeVerdict {
  safe: boolean;
  categories: string[];
}

/**
 * Reads the judge's answer: the first `safe`/`unsafe` word decides; category codes (`S1`, `S10`…) after
 * it are collected. An answer that says neither is treated as unsafe — a judge that cannot judge must
 * not wave content through.
 */
export function parseJudgeVerdict(answer: string): JudgeVerdict & { parsed: boolean } {
  const verdict = /\b(unsafe|safe)\b/i.exec(answer);
  if (verdict === null) return { safe: false, categories: [], parsed: false };
  const safe = verdict[1]?.toLowerCase() === 'safe';
  const rest = answer.slice(verdict.index + verdict[0].length);
  const categories = safe ? [] : [...new Set(rest.match(/\bS\d{1,2}\b/g) ?? [])];
  return { safe, categories, parsed: true };
}

export async function runJudge(
  turns: readonly JudgeTurn[],
  options: JudgeOptions,
  complete: CompleteText,
  signal: AbortSignal,
): Promise<Detection> {
  const answer = await complete(
    options.model,
    [{ role: 'user', content: buildJudgePrompt(turns, options) }],
    signal,
  );
  const verdict = parseJudgeVerdict(answer);
  const named = verdict.categories.map((code) => `${code} ${hazardCategories[code] ?? ''}`.trim());
  return {
    score: verdict.safe ? 0 : 1,
    findings: [],
    details: {
      model: options.model,
      categories: named,
      ...(verdict.parsed ? {} : { unparsed: answer.slice(0, 200) }),
    },
  };
}
