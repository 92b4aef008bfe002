import { escapeHtml } from '../../notifications/html';
import type { PublicTracking } from '../../schemas/tracking';
import { courierText, expectedText, LATE_TEXT, stepTimeText } from '../../tracking/display';

/** Where the page's script and stylesheet are served (content-hashed URLs). */
export interface PageAssets {
  script: string;
  style: string;
}

const head = (title: string, assets: PageAssets, script: boolean) =>
  `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${escapeHtml(assets.style)}">${
    script ? `\n<script src="${escapeHtml(assets.script)}" defer></script>` : ''
  }</head>`;

const MASTHEAD = '<header class="masthead"><p>Delivery tracking</p></header>';

function steps(view: PublicTracking, timeZone: string): string {
  return view.timeline
    .map(
      (step) =>
        `<li data-step="${step.step}"><span class="step-text">${escapeHtml(step.text)}</span>` +
        (step.detail ? `<span class="step-detail">${escapeHtml(step.detail)}</span>` : '') +
        `<time datetime="${escapeHtml(step.at)}">${escapeHtml(stepTimeText(step.at, timeZone))}</time></li>`,
    )
    .join('');
}

/**
 * The tracking page as served: complete without JavaScript. Its script (same origin, no inline
 * code) follows `eventsUrl` and rewrites the elements with ids; every text is escaped here.
 */
export function trackingPage(
  view: PublicTracking,
  options: { timeZone: string; eventsUrl: string; assets: PageAssets },
): string {
  const { timeZone, eventsUrl, assets } = options;
  const courier = view.courier_first_name;
  return `${head(`Delivery: ${view.product_name}`, assets, true)}
<body>${MASTHEAD}
<main id="tracking" data-events="${escapeHtml(eventsUrl)}" data-time-zone="${escapeHtml(timeZone)}">
<h1>${escapeHtml(view.product_name)}</h1>
<section class="summary" aria-labelledby="status-heading">
<h2 id="status-heading">Status</h2>
<p id="status" class="status" data-status="${view.status}" role="status">${escapeHtml(view.status_text)}</p>
<p id="late" class="late"${view.late ? '' : ' hidden'}>${LATE_TEXT}</p>
<p id="expected"><span class="label">Expected</span> <span id="expected-text">${escapeHtml(expectedText(view, timeZone))}</span></p>
<p id="courier"${courier ? '' : ' hidden'}>${courier ? escapeHtml(courierText(courier)) : ''}</p>
</section>
<section aria-labelledby="timeline-heading">
<h2 id="timeline-heading">Progress</h2>
<ol id="timeline" class="timeline">${steps(view, timeZone)}</ol>
</section>
<p id="live" class="live" hidden></p>
<noscript><p class="note">This page does not update by itself: refresh it for the latest.</p></noscript>
</main></body></html>`;
}

/** The answer to every link that leads nowhere: malformed, unknown or replaced alike. */
export function notFoundPage(assets: PageAssets): string {
  return `${head('Tracking link not found', assets, false)}
<body>${MASTHEAD}
<main><h1>This tracking link does not work</h1>
<p>Check that you opened the whole link from your message. If it still does not work, ask the sender for a new link.</p></main></body></html>`;
}

export function tooManyRequestsPage(assets: PageAssets, retryAfterSeconds: number): string {
  return `${head('Too many requests', assets, false)}
<body>${MASTHEAD}
<main><h1>Too many requests</h1>
<p>This address opened tracking pages too often. Try again in ${retryAfterSeconds} seconds.</p></main></body></html>`;
}
