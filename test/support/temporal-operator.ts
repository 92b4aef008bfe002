import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { stack } from './stack';

const run = promisify(execFile);

/** What an operator types: the Temporal CLI against the stack's server; its standard output. */
export async function temporalCli(...args: string[]): Promise<string> {
  const { cliPath, temporalAddress } = stack();
  const { stdout } = await run(cliPath, [
    ...args,
    '--address',
    temporalAddress,
    '--namespace',
    'default',
  ]);
  return stdout;
}

/**
 * Reset to the first workflow task, as the UI's Reset does; `options` pick what is re-applied
 * (`--reapply-exclude All` is the UI's "Exclude Updates"/"Exclude Signals").
 */
export const resetToFirstTask = (workflowId: string, reason: string, ...options: string[]) =>
  temporalCli(
    'workflow',
    'reset',
    '--workflow-id',
    workflowId,
    '--type',
    'FirstWorkflowTask',
    ...options,
    '--reason',
    reason,
  );
