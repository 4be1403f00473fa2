/**
 * Alert rules created through the API, and the append-only history of alert state changes.
 */
import type { Database } from './database.js';
import type { AlertEventsTable } from './schema.js';

export interface AlertEventRecord {
  id: string;
  rule: string;
  state: 'pending' | 'firing' | 'resolved';
  value: number | null;
  threshold: number | null;
  /** Epoch ms. */
  at: number;
  message: string;
  details: Record<string, unknown>;
}

export interface AlertHistoryQuery {
  rule?: string;
  from?: number;
  limit: number;
}

export interface AlertRepository {
  saveRule(name: string, definition: unknown): Promise<void>;
  deleteRule(name: string): Promise<boolean>;
  listRules(): Promise<{ name: string; definition: unknown }[]>;
  appendEvent(event: AlertEventRecord): Promise<void>;
  /** Newest first. */
  history(query: AlertHistoryQuery): Promise<AlertEventRecord[]>;
}

export function createAlertRepository(database: Database): AlertRepository {
  const { db } = database;
  return {
    async saveRule(name, definition) {
      await db
        .insertInto('alert_rules')
        .values({ name, definition: JSON.stringify(definition), created_at: Date.now() })
        .onConflict((conflict) =>
          conflict.column('name').doUpdateSet({ definition: JSON.stringify(definition) }),
        )
        .execute();
    },
    async deleteRule(name) {
      const result = await db.deleteFrom('alert_rules').where('name', '=', name).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async listRules() {
      const rows = await db.selectFrom('alert_rules').selectAll().orderBy('name').execute();
      return rows.map((row) => ({ name: row.name, definition: JSON.parse(row.definition) as unknown }));
    },
    async appendEvent(event) {
      await db
        .insertInto('alert_events')
        .values({
          id: event.id,
          rule_name: event.rule,
          state: event.state,
          value: event.value,
          threshold: event.threshold,
          at: event.at,
          message: event.message,
          details: JSON.stringify(event.details),
        })
        .execute();
    },
    async history(query) {
      let select = db.selectFrom('alert_events').selectAll();
      if (query.rule !== undefined) select = select.where('rule_name', '=', query.rule);
      if (query.from !== undefined) select = select.where('at', '>=', query.from);
      const rows = await select.orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
      return rows.map(toRecord);
    },
  };
}

function toRecord(row: AlertEventsTable): AlertEventRecord {
  return {
    id: row.id,
    rule: row.rule_name,
    state: row.state as AlertEventRecord['state'],
    value: row.value,
    threshold: row.threshold,
    at: row.at,
    message: row.message,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}
