import { describe, expect, it } from 'vitest';
import { stem } from './porter-stemmer.js';

describe('Porter stemmer (NLTK extensions mode)', () => {
  it('stems the examples of NLTK’s stem howto', () => {
    const words = [
      'caresses',
      'flies',
      'dies',
      'mules',
      'denied',
      'died',
      'agreed',
      'owned',
      'humbled',
      'sized',
      'meeting',
      'stating',
      'siezing',
      'itemization',
      'sensational',
      'traditional',
      'reference',
      'colonizer',
      'plotted',
    ];
    expect(words.map(stem).join(' ')).toBe(
      'caress fli die mule deni die agre own humbl size meet state siez item sensat tradit refer colon plot',
    );
  });

  it('follows the published rules of each step', () => {
    const cases: Record<string, string> = {
      ponies: 'poni',
      cats: 'cat',
      feed: 'feed',
      plastered: 'plaster',
      motoring: 'motor',
      sing: 'sing',
      conflated: 'conflat',
      troubled: 'troubl',
      hopping: 'hop',
      falling: 'fall',
      hissing: 'hiss',
      filing: 'file',
      happy: 'happi',
      enjoy: 'enjoy',
      relational: 'relat',
      conditional: 'condit',
      valenci: 'valenc',
      digitizer: 'digit',
      radically: 'radic',
      generalization: 'gener',
      hopefulness: 'hope',
      electrical: 'electr',
      adjustment: 'adjust',
      adoption: 'adopt',
      controll: 'control',
      roll: 'roll',
      sky: 'sky',
      dying: 'die',
      news: 'news',
      is: 'is',
      testing: 'test',
      running: 'run',
      generously: 'gener',
      archaeology: 'archaeolog',
      geology: 'geolog',
    };
    for (const [word, expected] of Object.entries(cases)) expect(stem(word), word).toBe(expected);
  });
});
