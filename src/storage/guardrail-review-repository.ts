/**
 * The guardrails' human review queue: verdicts a policy sends for review, written in batches by a
 * bulk writer off the request path, listed newest first with cursor pagination, and labelled by a
 * reviewer (`correct` / `false_positive`). Every read and label is scoped to one tenant and project:
 * another scope's items answer as absent.
 */
import type { Database } from './database.js';
import type { GuardrailReviewItemsTable } from './schema.js';
import { decodeCursor, encodeCursor } from './trace-cursor.js';

export type ReviewLabel = 'correct' | 'false_positive';

export interface ReviewItem {
  id: string;
  tenantId: string;
  projectId: string;
  traceId: string;
  requestId: string;
  /** Epoch ms. */
  createdAt: number;
  policy: string;
  check: string;
  checkType: string;
  stage: 'input' | 'output';
  action: string;
  score: number;
  /** The text the check judged. */
  text: string;
  details: Record<string, unknown>;
  label: ReviewLabel | null;
  note: string | null;
  labelledBy: string | null;
  labelledAt: number | null;
}

export type NewReviewItem = Omit<ReviewItem, 'label' | 'note' | 'labelledBy' | 'labelledAt'>;

export interface ReviewScope {
  tenantId: string;
  projectId: string;
}

export interface ReviewQuery {
  check?: string;
  policy?: string;
  status?: 'unlabelled' | 'labelled';
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  limit: number;
  /** From the previous page's `nextCursor`. */
  cursor?: string;
}

export interface GuardrailReviewRepository {
  insertBatch(items: NewReviewItem[]): Promise<void>;
  /** Newest first. */
  list(scope: ReviewScope, query: ReviewQuery): Promise<{ data: ReviewItem[]; nextCursor: string | null }>;
  /** Null when no item of that id is in the scope. */
  label(
    scope: ReviewScope,
    id: string,
    label: { label: ReviewLabel; note: string | null; by: string },
  ): Promise<ReviewItem | null>;
}

export function createGuardrailReviewRepository(database: Database): GuardrailReviewRepository {
  const { db } = database;
  return {
    async insertBatch(items) {
      if (items.length === 0) return;
      await db
        .insertInto('guardrail_review_items')
        .values(
          items.map((item) => ({
            id: item.id,
            tenant_id: item.tenantId,
            project_id: item.projectId,
            trace_id: item.traceId,
            request_id: item.requestId,
            created_at: item.createdAt,
            policy: item.policy,
            check_name: item.check,
            check_type: item.checkType,
            stage: item.stage,
            action: item.action,
            score: item.score,
            text: item.text,
            details: JSON.stringify(item.details),
            label: null,
            note: null,
            labelled_by: null,
            labelled_at: null,
          })),
        )
        .execute();
    },
    async list(scope, query) {
      let select = db
        .selectFrom('guardrail_review_items')
        .selectAll()
        .where('tenant_id', '=', scope.tenantId)
        .where('project_id', '=', scope.projectId);
      if (query.check !== undefined) select = select.where('check_name', '=', query.check);
      if (query.policy !== undefined) select = select.where('policy', '=', query.policy);
      if (query.status === 'labelled') select = select.where('label', 'is not', null);
      if (query.status === 'unlabelled') select = select.where('label', 'is', null);
      if (query.from !== undefined) select = select.where('created_at', '>=', query.from);
      if (query.to !== undefined) select = select.where('created_at', '<', query.to);
      if (query.cursor !== undefined) {
        const after = decodeCursor(query.cursor);
        select = select.where((where) =>
          where.or([
            where('created_at', '<', after.startTime),
            where.and([where('created_at', '=', after.startTime), where('id', '<', after.id)]),
          ]),
        );
      }
      const rows = await select
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(query.limit + 1)
        .execute();
      const page = rows.slice(0, query.limit).map(toItem);
      const last = page.at(-1);
      return {
        data: page,
        nextCursor:
          rows.length > query.limit && last !== undefined
            ? encodeCursor({ startTime: last.createdAt, id: last.id })
            : null,
      };
    },
    async label(scope, id, label) {
      const result = await db
        .updateTable('guardrail_review_items')
        .set({ label: label.label, note: label.note, labelled_by: label.by, labelled_at: Date.now() })
        .where('id', '=', id)
        .where('tenant_id', '=', scope.tenantId)
        .where('project_id', '=', scope.projectId)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return null;
      const row = await db
        .selectFrom('guardrail_review_items')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return toItem(row);
    },
  };
}

function toItem(row: GuardrailReviewItemsTable): ReviewItem {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    projectId: row.project_id,
    traceId: row.trace_id,
    requestId: row.request_id,
    createdAt: row.created_at,
    policy: row.policy,
    check: row.check_name,
    checkType: row.check_type,
    stage: row.stage as ReviewItem['stage'],
    action: row.action,
    score: row.score,
    text: row.text,
    details: JSON.parse(row.details) as Record<string, unknown>,
    label: row.label as ReviewLabel | null,
    note: row.note,
    labelledBy: row.labelled_by,
    labelledAt: row.labelled_at,
  };
}
