/**
 * Attaches scores posted by request id to their trace once it is stored: a trace lands a flush after
 * its response (~100 ms), so a pass every second attaches a pending score within about a second of
 * that. A score whose request never produced a stored trace (a wrong id, a trace the writer dropped)
 * is dropped after a day, and logged.
 */
import { startPeriodicPass, type PeriodicPass } from './periodic-pass.js';
import type { ScoreRepository } from './score-repository.js';

const intervalMs = 1_000;
const keepPendingMs = 86_400_000;

export function startPendingScoreAttachment(
  scores: ScoreRepository,
  logger: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void },
): PeriodicPass {
  return startPeriodicPass({
    name: 'pending score attachment',
    intervalMs,
    async pass() {
      const { expired } = await scores.attachPending(Date.now() - keepPendingMs);
      if (expired > 0) {
        logger.warn({ expired }, 'scores dropped: no trace was stored for their request id within a day');
      }
    },
    logger,
  });
}
