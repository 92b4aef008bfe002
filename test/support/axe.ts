import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** One accessibility finding, said so that a failing test names what to fix and where. */
export interface Finding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.x A and AA rules and best practices) over the page as it is now and
 * returns every finding, whatever its impact (the issue asked for no serious or critical one; the
 * pages have none of any impact, and the tests keep it so). The page's context must bypass CSP: the console's
 * policy allows only its own scripts, and axe is not one of them.
 */
export async function axeFindings(page: Page): Promise<Finding[]> {
  await page.evaluate(axe.source);
  // A string, evaluated in the page: this project's TypeScript knows no DOM.
  const violations = (await page.evaluate(
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)",
  )) as axe.Result[];
  return violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact ?? '',
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(' ')),
  }));
}
