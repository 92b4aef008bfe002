import { ensureTemporalCli } from '../src/dev/temporal-cli';

// Progress goes to stderr; stdout carries only the binary path so other scripts can capture it.
ensureTemporalCli().then(
  (cli) => console.log(cli.path),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
