/** A point in time in a query or body: epoch milliseconds or an ISO-8601 date, read as epoch ms. */
import { z } from 'zod';

export const instant = z.union([z.string(), z.number()]).transform((value, context) => {
  const time = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(time)) {
    context.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO-8601 date' });
    return z.NEVER;
  }
  return time;
});
