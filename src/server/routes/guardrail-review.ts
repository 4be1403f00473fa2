/**
 * The guardrails' human review queue, scoped to the caller's tenant and project (needs
 * `guardrails.review`):
 * - `GET /api/guardrails/review` — items newest first; filters `check`, `policy`, `status`
 *   (`unlabelled`, `labelled`), `from`/`to`; cursor pagination (`next_cursor`).
 * - `POST /api/guardrails/review/:id/label` — `{ label: correct | false_positive, note? }`; the
 *   labeller is the caller's key (or the master key's `x-gatehouse-actor`).
 * - `GET /api/guardrails/review/export` — labelled items as JSONL training data: one
 *   `{ text, label, … }` per line, `label` 1 when the check was right to fire and 0 for a false
 *   positive — the `--extra` input of `npm run train:injection`.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.js';
import type {
  GuardrailReviewRepository,
  ReviewItem,
  ReviewQuery,
  ReviewScope,
} from '../../storage/guardrail-review-repository.js';
import { controlPlaneScope } from '../control-plane-scope.js';
import { instant } from '../instant.js';
import { parseBody } from '../request-schemas.js';

const filters = {
  check: z.string().min(1).max(128).optional(),
  policy: z.string().min(1).max(128).optional(),
  from: instant.optional(),
  to: instant.optional(),
};

const listQuery = z.strictObject({
  ...filters,
  status: z.enum(['unlabelled', 'labelled']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

const exportQuery = z.strictObject(filters);

const labelBody = z.strictObject({
  label: z.enum(['correct', 'false_positive']),
  note: z.string().max(2000).optional(),
});

const exportPageSize = 500;

/** One line of the export: what the classifier trainer reads, plus where it came from. */
export interface ReviewTrainingExample {
  text: string;
  /** 1: the check was right (an attack, a leak…); 0: a false positive. */
  label: 0 | 1;
  source: 'review';
  check: string;
  check_type: string;
  policy: string;
  stage: string;
  id: string;
  trace_id: string;
  labelled_by: string | null;
  note: string | null;
}

function trainingExample(item: ReviewItem): ReviewTrainingExample {
  return {
    text: item.text,
    label: item.label === 'correct' ? 1 : 0,
    source: 'review',
    check: item.check,
    check_type: item.checkType,
    policy: item.policy,
    stage: item.stage,
    id: item.id,
    trace_id: item.traceId,
    labelled_by: item.labelledBy,
    note: item.note,
  };
}

async function* exportLines(
  review: GuardrailReviewRepository,
  scope: ReviewScope,
  query: Omit<ReviewQuery, 'limit' | 'cursor' | 'status'>,
): AsyncGenerator<string> {
  let cursor: string | undefined;
  do {
    const page = await review.list(scope, {
      ...query,
      status: 'labelled',
      limit: exportPageSize,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const item of page.data) yield `${JSON.stringify(trainingExample(item))}\n`;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/** The query without absent fields (exactOptionalPropertyTypes). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

export function registerGuardrailReviewRoutes(app: FastifyInstance, review: GuardrailReviewRepository): void {
  app.get('/api/guardrails/review', async (request) => {
    const scope = controlPlaneScope(request, 'guardrails.review');
    const query = parseBody<z.infer<typeof listQuery>>(listQuery, { ...(request.query as object) });
    // A malformed cursor throws InvalidCursorError, itself a 400 naming `cursor`.
    const page = await review.list(scope, defined(query));
    return { data: page.data, next_cursor: page.nextCursor };
  });

  app.post('/api/guardrails/review/:id/label', async (request) => {
    const scope = controlPlaneScope(request, 'guardrails.review');
    const { id } = request.params as { id: string };
    const body = parseBody<z.infer<typeof labelBody>>(labelBody, request.body);
    const item = await review.label(scope, id, {
      label: body.label,
      note: body.note ?? null,
      by: scope.actor,
    });
    if (item === null) {
      throw new GatewayError('not_found', `No review item ${id} in this project.`, { param: 'id' });
    }
    return item;
  });

  app.get('/api/guardrails/review/export', async (request, reply) => {
    const scope = controlPlaneScope(request, 'guardrails.review');
    const query = parseBody<z.infer<typeof exportQuery>>(exportQuery, { ...(request.query as object) });
    return reply.type('application/x-ndjson').send(Readable.from(exportLines(review, scope, defined(query))));
  });
}
