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
 * returns its serious and critical findings, the ones that stop someone from using the page, and
 * the moderate ones too (landmarks named alike, a heading order that skips): every page passes
 * them, so a new one is a regression. The page's context must bypass CSP: the console's policy
 * allows only its own scripts, and axe is not one of them.
 */
const SEVERE = ['moderate', 'serious', 'critical'];

export async function severeFindings(page: Page): Promise<Finding[]> {
  await page.evaluate(axe.source);
  // A string, evaluated in the page: this project's TypeScript knows no DOM.
  const violations = (await page.evaluate(
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)",
  )) as axe.Result[];
  return violations
    .filter((violation) => SEVERE.includes(violation.impact ?? ''))
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact ?? '',
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
}
