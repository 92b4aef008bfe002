import { startStack, stopStack } from './stack';

// Mocha global fixtures: one Temporal server and one PostgreSQL for the whole run.
export async function mochaGlobalSetup(): Promise<void> {
  await startStack();
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stopStack();
}
