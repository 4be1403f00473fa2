/**
 * A progress bar with throughput and ETA on stderr, redrawn at most 10 times a second. Silent when
 * stderr is not a terminal (CI logs stay clean).
 */
import type { ItemResult } from '../records.js';

export interface Progress {
  tick(result: ItemResult): void;
  done(): void;
}

const width = 28;
const redrawMs = 100;

export function createProgressBar(
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
  alreadyDone = 0,
): Progress {
  if (stream.isTTY !== true || total === 0) return { tick: () => undefined, done: () => undefined };
  const started = performance.now();
  let completed = alreadyDone;
  let passed = 0;
  let failed = 0;
  let lastDraw = 0;

  const draw = (): void => {
    const elapsedSeconds = (performance.now() - started) / 1000;
    const rate = elapsedSeconds > 0 ? (completed - alreadyDone) / elapsedSeconds : 0;
    const remaining = rate > 0 ? (total - completed) / rate : Number.NaN;
    const filled = Math.round((completed / total) * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const eta = Number.isFinite(remaining) ? formatSeconds(remaining) : '--';
    stream.write(
      `\r${bar} ${completed}/${total} ${Math.floor((completed / total) * 100)}% ${rate.toFixed(1)}/s ETA ${eta} ✓${passed} ✗${failed}\u001b[K`,
    );
  };

  return {
    tick(result) {
      completed += 1;
      if (result.pass) passed += 1;
      else failed += 1;
      const now = performance.now();
      if (now - lastDraw >= redrawMs || completed === total) {
        lastDraw = now;
        draw();
      }
    },
    done() {
      draw();
      stream.write('\n');
    },
  };
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
}
