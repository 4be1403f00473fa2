/**
 * The topic check's embedding tier with the real local embedder (offline, ~1 s to load): paraphrases
 * the keyword lists miss are caught or let through by similarity to the topic descriptions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalEmbedder } from '../../embeddings/local-embedder.js';
import { createTopicDetector } from './topic.js';

const embedder = createLocalEmbedder();

afterAll(async () => {
  await embedder.close();
});

describe('topic embedding tier', () => {
  it('allows paraphrases of an allowed topic, fires on denied and unrelated subjects', async () => {
    const detect = createTopicDetector(
      {
        allow: ['invoice'],
        deny: ['crypto'],
        allowTopics: ['Billing, invoices, payments and refunds for our software subscription'],
        denyTopics: ['Politics, elections, political parties and politicians'],
        similarityThreshold: 0.35,
      },
      () => embedder,
    );
    const texts = [
      'Where is my invoice?', // allowed by keyword
      'Why was my credit card charged twice this month?', // allowed by similarity
      'Should I buy crypto now?', // denied by keyword
      'Who should I vote for in the next presidential election?', // denied by similarity
      'What is the capital of France?', // neither: off-topic
    ];
    const detections = await detect(texts, new AbortController().signal);
    expect(detections.map((detection) => detection.score)).toEqual([0, 0, 1, 1, 1]);
    expect(detections[1]?.details?.allowedTopic).toMatchObject({
      topic: 'Billing, invoices, payments and refunds for our software subscription',
    });
    expect(detections[2]?.details).toEqual({ denied: 'crypto' });
    expect(detections[3]?.details?.deniedTopic).toMatchObject({
      topic: 'Politics, elections, political parties and politicians',
    });
    expect(detections[4]?.details).toMatchObject({ offTopic: true });
  });
});
