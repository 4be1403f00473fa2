/**
 * Runs a command body and exits with its code. A bad suite, dataset file or config is exit 2 with the
 * message (every problem of a suite on its own line); anything else is a bug and keeps its stack.
 */
import { ConfigError } from '../config/config-error.js';
import { DatasetFileError } from '../evals/datasets/dataset-files.js';
import { SuiteError } from '../evals/suite/load-suite.js';

export async function runCommand(body: () => Promise<number>): Promise<void> {
  let code: number;
  try {
    code = await body();
  } catch (error) {
    if (error instanceof SuiteError || error instanceof ConfigError || error instanceof DatasetFileError) {
      process.stderr.write(`gatehouse: ${error.message}\n`);
      code = 2;
    } else throw error;
  }
  process.exitCode = code;
}
