/**
 * A dataset item: the variables a prompt is rendered with, what a good answer looks like, and the
 * retrieved context of a RAG case. Items are what suites test and what datasets version.
 */
import { z } from 'zod';

export const datasetItemSchema = z.strictObject({
  id: z.string().min(1).optional().describe('Stable id of the item, so results of two runs pair up.'),
  input: z.record(z.string(), z.unknown()).describe('Template variables (`{{question}}`).'),
  expected: z.string().optional().describe('Reference answer.'),
  context: z.array(z.string()).optional().describe('Retrieved chunks, for RAG metrics.'),
  metadata: z.record(z.string(), z.unknown()).optional().describe('Anything else worth keeping.'),
});

export type DatasetItem = z.infer<typeof datasetItemSchema>;
