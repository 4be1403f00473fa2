import { describe, expect, it } from 'vitest';
import { parseJudgeVerdict, buildJudgePrompt } from '../judge/llm-judge.js';
import { detectLanguage } from '../input/language.js';
import { createTopicMatcher } from '../input/topic.js';
import { detectCanary, newCanaryToken } from './canary.js';
import { scoreGrounding } from './grounding.js';
import { checkJson } from './json-output.js';
import { detectPromptLeak } from './prompt-leak.js';
import { detectRefusal } from './refusal.js';
import { createToxicityMatcher } from './toxicity.js';

describe('output checks', () => {
  it('validates JSON and its schema, listing the errors for a re-ask', () => {
    const schema = { type: 'object', required: ['age'], properties: { age: { type: 'number' } } };
    expect(checkJson('{"age": 3}', schema).score).toBe(0);
    expect(checkJson('{"age": "3"}', schema).details).toEqual({ errors: ['/age must be number'] });
    expect(checkJson('{age: 3}').score).toBe(1);
  });

  it('finds the canary even spaced out, and system-prompt recitals by overlap', () => {
    const token = newCanaryToken();
    expect(detectCanary(`sure: ${token.slice(0, 12)} ${token.slice(12)}`, token).score).toBe(1);
    expect(detectCanary('nothing here', token).score).toBe(0);
    const system =
      'You are Ava, the support assistant of ACME. Never discuss pricing. Always answer in two sentences or fewer.';
    expect(detectPromptLeak(`My rules: ${system}`, system).score).toBe(1);
    expect(detectPromptLeak('I am Ava and I can help with your order.', system).score).toBe(0);
  });

  it('matches toxic words whole, detects refusals and ungrounded sentences', () => {
    const toxicity = createToxicityMatcher({ extraTerms: ['frobnicate'] });
    expect(toxicity('You are an idiot').score).toBeGreaterThanOrEqual(0.5);
    expect(toxicity('Scunthorpe assessment class').score).toBe(0);
    expect(toxicity('please frobnicate').details).toEqual({ categories: ['custom'] });
    expect(detectRefusal("I'm sorry, but I can't help with that.").score).toBeGreaterThanOrEqual(0.5);
    expect(detectRefusal('Sure, here is the recipe.').score).toBe(0);
    const context = 'The Eiffel Tower is in Paris and was completed in 1889 for the World Fair.';
    expect(scoreGrounding('The Eiffel Tower was completed in 1889 in Paris.', context).score).toBe(0);
    expect(scoreGrounding('The tower was painted purple by aliens yesterday.', context).score).toBe(1);
  });
});

describe('input helpers', () => {
  it('identifies languages by script and stopwords', () => {
    expect(detectLanguage('Where is the nearest train station, please?').language).toBe('en');
    expect(detectLanguage('¿Dónde está la estación de tren más cercana?').language).toBe('es');
    expect(detectLanguage('Où est la gare la plus proche, s’il vous plaît ?').language).toBe('fr');
    expect(detectLanguage('Wo ist der nächste Bahnhof, bitte?').language).toBe('de');
    expect(detectLanguage('Где ближайшая станция?').language).toBe('ru');
    expect(detectLanguage('最寄りの駅はどこですか').language).toBe('ja');
    expect(detectLanguage('ok').language).toBe('und');
  });

  it('allows and denies topics by whole words', () => {
    const topic = createTopicMatcher({ allow: ['billing', 'invoice'], deny: ['crypto trading'] });
    expect(topic('Question about my invoice').score).toBe(0);
    expect(topic('Tell me a joke').details).toEqual({ offTopic: true });
    expect(topic('billing for Crypto   Trading').details).toEqual({ denied: 'crypto   trading' });
  });

  it('builds a Llama Guard prompt and parses its verdicts', () => {
    const prompt = buildJudgePrompt([{ role: 'User', content: 'hi' }], {
      model: 'm',
      categories: ['S1', 'S10'],
    });
    expect(prompt).toContain('S1: Violent Crimes.\nS10: Hate.');
    expect(prompt).toContain('ONLY THE LAST User message');
    expect(parseJudgeVerdict('safe')).toEqual({ safe: true, categories: [], parsed: true });
    expect(parseJudgeVerdict('unsafe\nS1,S10')).toEqual({
      safe: false,
      categories: ['S1', 'S10'],
      parsed: true,
    });
    expect(parseJudgeVerdict('I cannot judge this').safe).toBe(false);
  });
});
