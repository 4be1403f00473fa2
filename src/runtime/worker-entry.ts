/**
 * How to start a worker thread whose entry is a module beside the caller, whether the process runs
 * built JavaScript (dist/) or TypeScript source (tsx, vitest).
 */

export interface WorkerEntry {
  /** A file URL, or the code of a bootstrap when `isCode`. */
  script: URL | string;
  isCode: boolean;
}

/**
 * Built JavaScript starts the worker from its .js file. Run from TypeScript source, the worker must
 * load TypeScript too: Node 20 does not apply module hooks passed in a worker's execArgv (`--import
 * tsx`) to the worker's entry (nodejs/node#47747, fixed in 22.2), so a bootstrap registers tsx's
 * loader in the thread and then imports the .ts entry. tsx is resolved from here rather than from the
 * working directory, which may be anywhere.
 *
 * @example
 * const entry = workerEntry(import.meta.url, 'sqlite-telemetry-worker');
 * new Worker(entry.script, { eval: entry.isCode });
 */
export function workerEntry(callerUrl: string, moduleName: string): WorkerEntry {
  if (callerUrl.endsWith('.ts')) {
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL(`./${moduleName}.ts`, callerUrl).href;
    const script = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
    return { script, isCode: true };
  }
  return { script: new URL(`./${moduleName}.js`, callerUrl), isCode: false };
}
