/**
 * Toxicity by wordlist: profanity, insults, threats of violence and calls to self-harm, matched as
 * whole words (so "Scunthorpe" and "assessment" pass), plus any words a policy adds. A first tier:
 * context (quoting, fiction) needs the LLM judge. Each category has a weight; the score combines hits.
 */
import type { Detection, Finding } from '../types.js';

const builtIn: Readonly<Record<string, { weight: number; terms: string[] }>> = {
  profanity: {
    weight: 0.5,
    terms: [
      'fuck',
      'fucking',
      'fucked',
      'fucker',
      'motherfucker',
      'shit',
      'shitty',
      'bullshit',
      'bitch',
      'bastard',
      'asshole',
      'dickhead',
      'cunt',
      'piss off',
      'wanker',
      'twat',
      'bollocks',
    ],
  },
  insult: {
    weight: 0.6,
    terms: [
      'idiot',
      'moron',
      'imbecile',
      'retard',
      'retarded',
      'stupid bitch',
      'worthless piece of',
      'piece of shit',
      'scumbag',
      'loser',
      'dumbass',
      'shut up',
    ],
  },
  threat: {
    weight: 0.9,
    terms: [
      'i will kill you',
      "i'll kill you",
      'i am going to kill you',
      "i'm going to kill you",
      'you will die',
      'you deserve to die',
      'i will hurt you',
      "i'll hurt you",
      'i will find you',
      'watch your back',
      'i will rape',
      'burn your house',
    ],
  },
  self_harm: {
    weight: 0.9,
    terms: ['kill yourself', 'kys', 'go die', 'you should die', 'cut yourself', 'end your life'],
  },
};

export interface ToxicityOptions {
  /** Extra terms (category `custom`, weight 0.8). */
  extraTerms?: readonly string[];
}

export interface ToxicityMatcher {
  (text: string): Detection;
}

function escape(term: string): string {
  return term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Builds the matcher once (one regex per category) for a policy's options. */
export function createToxicityMatcher(options: ToxicityOptions = {}): ToxicityMatcher {
  const categories = Object.entries(builtIn).map(([name, { weight, terms }]) => ({ name, weight, terms }));
  if (options.extraTerms !== undefined && options.extraTerms.length > 0) {
    categories.push({ name: 'custom', weight: 0.8, terms: [...options.extraTerms] });
  }
  const compiled = categories.map((category) => ({
    ...category,
    pattern: new RegExp(
      `(?<![\\p{L}\\p{N}])(?:${category.terms.map(escape).join('|')})(?![\\p{L}\\p{N}])`,
      'giu',
    ),
  }));
  return function detectToxicity(text: string): Detection {
    const findings: Finding[] = [];
    let miss = 1;
    const hitCategories: string[] = [];
    for (const category of compiled) {
      category.pattern.lastIndex = 0;
      let hit = false;
      for (const match of text.matchAll(category.pattern)) {
        hit = true;
        findings.push({
          type: category.name,
          start: match.index,
          end: match.index + match[0].length,
          score: category.weight,
        });
      }
      if (hit) {
        miss *= 1 - category.weight;
        hitCategories.push(category.name);
      }
    }
    return { score: 1 - miss, findings, details: { categories: hitCategories } };
  };
}
