/**
 * Runs a command body and exits with its code. A bad suite, dataset file or config is exit 2 with the
 * message (every problem of a suite on its own line); anything else is a bug and keeps its stack.
 */

// By name rather than instanceof, so this module loads none of the code that defines them.
const userErrors = new Set(['SuiteError', 'ConfigError', 'DatasetFileError']);

export async function runCommand(body: () => Promise<number>): Promise<void> {
  let code: number;
  try {
    code = await body();
  } catch (error) {
    if (error instanceof Error && userErrors.has(error.name)) {
      process.stderr.write(`gatehouse: ${error.message}\n`);
      code = 2;
    } else throw error;
  }
  process.exitCode = code;
}
