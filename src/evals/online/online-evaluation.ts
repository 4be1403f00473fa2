/**
 * Online evaluation: every poll, each enabled evaluator reads the production traces that arrived since
 * its cursor (through the trace repository, filtered as configured), samples them by a hash of the
 * trace id at its rate, grades the sampled answers with its assertions (judges and embedders called
 * through the gateway), and writes one score per graded assertion onto the trace, in the trace's
 * tenant and project (an assertion that could not be graded is logged, not scored 0). Traces younger than
 * `settleMs` wait for the next poll, so a slow request written late is not skipped. Eval traffic
 * (`metadata.gatehouse_eval`) is never sampled, or judges would grade themselves.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { TraceRecord } from '../../telemetry/model.js';
import type { TraceRepository } from '../../storage/trace-repository.js';
import { traceAnswer, traceQuestion } from '../datasets/trace-content.js';
import { createEvaluationServices } from '../evaluation-services.js';
import { gradeTest } from '../grading/grade-test.js';
import type { ModelClient } from '../model-client.js';
import { defaultProjectId, defaultTenantId } from '../../tenancy/model.js';
import type { OnlineEvaluator } from './online-evaluator-spec.js';
import type { OnlineScore, ScoreWriter } from './score-writer.js';

export interface OnlineEvaluatorStore {
  listEvaluators(): Promise<OnlineEvaluator[]>;
  advanceCursor(id: string, cursor: { time: number; id: string }): Promise<void>;
}

export interface OnlineEvaluationOptions {
  evaluators: OnlineEvaluatorStore;
  traces: TraceRepository;
  scores: ScoreWriter;
  client: ModelClient;
  logger: Logger;
  pollIntervalMs: number;
  settleMs: number;
  /** Most traces one evaluator considers per poll. */
  maxTracesPerPoll: number;
}

export interface OnlineEvaluation {
  /** One poll of every evaluator; resolves to the number of traces scored. */
  poll(): Promise<number>;
  stop(): Promise<void>;
}

const pageSize = 100;
const maxPages = 50;
const gradeTimeoutMs = 60_000;

export function startOnlineEvaluation(options: OnlineEvaluationOptions): OnlineEvaluation {
  const stopping = new AbortController();
  let running: Promise<number> | null = null;

  async function pollOnce(): Promise<number> {
    let scored = 0;
    for (const evaluator of await options.evaluators.listEvaluators()) {
      if (!evaluator.enabled || stopping.signal.aborted) continue;
      try {
        scored += await runEvaluator(evaluator);
      } catch (error) {
        options.logger.error({ err: error, evaluator: evaluator.name }, 'online evaluator poll failed');
      }
    }
    return scored;
  }

  async function runEvaluator(evaluator: OnlineEvaluator): Promise<number> {
    const pending = await newTraces(evaluator);
    if (pending.length === 0) return 0;
    const services = createEvaluationServices({
      client: options.client,
      judge: evaluator.judge ?? null,
      embedder: evaluator.embedder_model ?? null,
    });
    let scored = 0;
    for (const trace of pending) {
      if (stopping.signal.aborted) break;
      const answer = traceAnswer(trace);
      if (
        answer !== null &&
        !isEvalTraffic(trace) &&
        sampled(evaluator.id, trace.id, evaluator.sample_rate)
      ) {
        const signal = AbortSignal.any([stopping.signal, AbortSignal.timeout(gradeTimeoutMs)]);
        const grade = await gradeTest({
          output: answer,
          test: { key: trace.id, vars: { question: traceQuestion(trace) }, assert: evaluator.assert },
          question: traceQuestion(trace),
          latencyMs: trace.durationMs,
          cost: trace.cost,
          judgeFor: (spec) => services.judgeFor(spec),
          embedder: services.embedder,
          signal,
        });
        const graded = grade.assertions.filter((assertion) => assertion.error === undefined);
        for (const assertion of grade.assertions) {
          if (assertion.error !== undefined)
            options.logger.warn(
              {
                evaluator: evaluator.name,
                trace: trace.id,
                metric: assertion.metric,
                error: assertion.error,
              },
              'online evaluator could not grade an assertion',
            );
        }
        await options.scores.write(
          graded.map((assertion): OnlineScore => ({
            tenantId: trace.tenantId ?? defaultTenantId,
            projectId: trace.projectId ?? defaultProjectId,
            traceId: trace.id,
            metric: assertion.metric,
            score: assertion.score,
            comment: `${evaluator.name}: ${assertion.pass ? 'pass' : 'fail'}${assertion.reason === '' ? '' : ` — ${assertion.reason}`}`,
          })),
        );
        scored += 1;
      }
      await options.evaluators.advanceCursor(evaluator.id, { time: trace.startTime, id: trace.id });
    }
    return scored;
  }

  /** Traces after the cursor and older than the settle window, oldest first. */
  async function newTraces(evaluator: OnlineEvaluator): Promise<TraceRecord[]> {
    const { cursor, filter } = evaluator;
    const found: TraceRecord[] = [];
    let pageCursor: string | undefined;
    for (let page = 0; page < maxPages; page += 1) {
      const result = await options.traces.listTraces({
        from: cursor.time,
        to: Date.now() - options.settleMs,
        limit: pageSize,
        ...(pageCursor === undefined ? {} : { cursor: pageCursor }),
        ...(filter.model === undefined ? {} : { model: filter.model }),
        ...(filter.provider === undefined ? {} : { provider: filter.provider }),
        ...(filter.status === undefined ? {} : { status: filter.status }),
        ...(filter.user === undefined ? {} : { user: filter.user }),
      });
      found.push(
        ...result.data.filter(
          (trace) =>
            trace.startTime > cursor.time || (trace.startTime === cursor.time && trace.id > cursor.id),
        ),
      );
      if (result.nextCursor === null) break;
      pageCursor = result.nextCursor;
    }
    return found
      .sort((a, b) => a.startTime - b.startTime || (a.id < b.id ? -1 : 1))
      .slice(0, options.maxTracesPerPoll);
  }

  const timer = setInterval(() => {
    if (running !== null) return;
    running = pollOnce().finally(() => {
      running = null;
    });
  }, options.pollIntervalMs);
  timer.unref();

  return {
    poll: async () => {
      while (running !== null) await running;
      running = pollOnce().finally(() => {
        running = null;
      });
      return running;
    },
    async stop() {
      clearInterval(timer);
      stopping.abort(new Error('online evaluation stopped'));
      await running?.catch(() => 0);
    },
  };
}

/** The same trace always gets the same answer for an evaluator: a hash of both ids below the rate. */
export function sampled(evaluatorId: string, traceId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  const digest = createHash('sha256').update(`${evaluatorId}:${traceId}`).digest();
  return digest.readUInt32BE(0) / 4_294_967_296 < rate;
}

function isEvalTraffic(trace: TraceRecord): boolean {
  return trace.metadata?.gatehouse_eval !== undefined;
}
