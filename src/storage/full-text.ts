/**
 * Full-text search over trace input and output, per engine: SQLite's FTS5 index (`traces_fts`, kept
 * by triggers) and PostgreSQL's GIN index over a `tsvector` expression (migration 0002). Every word of
 * the search must appear; words are matched as tokens, never as query syntax.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { DatabaseDialect } from './database.js';
import { postgresContentVector } from './migrations/0002-observability.js';

export function fullTextMatch(dialect: DatabaseDialect, search: string): Expression<SqlBool> {
  if (dialect === 'sqlite') {
    // Each word quoted: FTS5 then reads it as a plain token, whatever characters it holds.
    const words = search.split(/\s+/).filter((word) => word !== '');
    const query = words.map((word) => `"${word.replaceAll('"', '""')}"`).join(' ');
    return sql<SqlBool>`traces.rowid in (select rowid from traces_fts where traces_fts match ${query})`;
  }
  return sql<SqlBool>`${sql.raw(postgresContentVector)} @@ plainto_tsquery('simple', ${search})`;
}
