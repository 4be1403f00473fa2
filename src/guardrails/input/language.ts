/**
 * A small language identifier for allow-lists: the dominant script decides languages that own one
 * (Japanese kana, Korean Hangul, Chinese Han, Thai, Devanagari, Arabic, Hebrew, Greek, Armenian,
 * Georgian); Cyrillic and Latin text is told apart by stopword frequency (plus letters only one
 * language uses). Returns ISO 639-1 codes, or `und` when the text is too short to tell.
 */

const stopwords: Readonly<Record<string, string>> = {
  en: 'the and is are was to of in that it for you with on this have be not what how can do my your please',
  es: 'el la los las de que y en un una es por con para no se del al lo como más pero sus está',
  fr: 'le la les de des et est un une que qui en du dans pour pas sur au avec ce vous je il',
  de: 'der die das und ist nicht ein eine zu den mit von sie es ich auf für im dem sich auch wie',
  it: 'il lo la gli le di che e è un una per non con del della sono si come anche ma più',
  pt: 'o a os as de que e é um uma do da em para não com por se mais como mas dos das',
  nl: 'de het een en van is dat niet in op te zijn voor met die ik je ook maar er',
  sv: 'och att det som en är på för med av inte den till har jag om men ett var',
  pl: 'i w nie na że się jest to z do jak co ale po tak za od czy jestem',
  tr: 've bir bu da de için ile ne çok ama gibi daha olan var mı ben sen',
  id: 'yang dan di ini itu dengan untuk tidak ada dari ke saya akan bisa juga',
  ru: 'и в не на что я с он как это по но из у к за от же мы вы',
  uk: 'і в не на що я з як це та до але від у ми ви є його',
  bg: 'и в не на да се от за това че е с по като са ще',
};
const stopwordSets = Object.entries(stopwords).map(([language, list]) => ({
  language,
  words: new Set(list.split(' ')),
}));

const scripts: readonly { language: string; pattern: RegExp }[] = [
  { language: 'ja', pattern: /[\u3040-\u30ff]/g },
  { language: 'ko', pattern: /[\uac00-\ud7af\u1100-\u11ff]/g },
  { language: 'zh', pattern: /[\u4e00-\u9fff]/g },
  { language: 'th', pattern: /[\u0e00-\u0e7f]/g },
  { language: 'hi', pattern: /[\u0900-\u097f]/g },
  { language: 'ar', pattern: /[\u0600-\u06ff]/g },
  { language: 'he', pattern: /[\u0590-\u05ff]/g },
  { language: 'el', pattern: /[\u0370-\u03ff]/g },
  { language: 'hy', pattern: /[\u0530-\u058f]/g },
  { language: 'ka', pattern: /[\u10a0-\u10ff]/g },
];

export interface LanguageGuess {
  language: string;
  /** 0..1: how clearly the evidence points to it. */
  confidence: number;
}

export function detectLanguage(text: string): LanguageGuess {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters < 8) return { language: 'und', confidence: 0 };
  let best = { language: 'und', count: 0 };
  for (const { language, pattern } of scripts) {
    const count = text.match(pattern)?.length ?? 0;
    if (count > best.count) best = { language, count };
  }
  // Japanese mixes kana with Han: any kana at all makes Han text Japanese.
  if (best.language === 'zh' && (text.match(scripts[0]?.pattern ?? /$^/) ?? []).length > 0)
    best.language = 'ja';
  if (best.count / letters > 0.3)
    return { language: best.language, confidence: Math.min(1, best.count / letters + 0.2) };

  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  const cyrillic = (text.match(/[\u0400-\u04ff]/g)?.length ?? 0) / letters > 0.3;
  let top = { language: 'und', hits: 0 };
  let second = 0;
  for (const { language, words: set } of stopwordSets) {
    if (['ru', 'uk', 'bg'].includes(language) !== cyrillic) continue;
    let hits = 0;
    for (const word of words) if (set.has(word)) hits += 1;
    if (language === 'uk') hits += (text.match(/[іїєґ]/gi)?.length ?? 0) * 2;
    if (hits > top.hits) {
      second = top.hits;
      top = { language, hits };
    } else if (hits > second) second = hits;
  }
  if (top.hits === 0) return { language: cyrillic ? 'ru' : 'und', confidence: cyrillic ? 0.3 : 0 };
  return {
    language: top.language,
    confidence: Math.min(1, (top.hits - second) / Math.max(3, words.length * 0.15)),
  };
}
