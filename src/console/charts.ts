/**
 * Charts as plain SVG built in the page (no library, no CDN, nothing the CSP must allow): each
 * is an image with a text alternative, its parts' numbers in <title>s a pointer reveals, and
 * colours from CSS classes (console's overview.css), never inline styles.
 */
const SVG = 'http://www.w3.org/2000/svg';

type SvgAttributes = Record<string, string | number>;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: SvgAttributes = {},
  ...children: (SVGElement | string)[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) {
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

let nextTitle = 0;
/** The chart's root: an image named by its first child, the text alternative. */
function chart(width: number, height: number, label: string, className: string) {
  nextTitle += 1;
  const id = `chart-title-${nextTitle}`;
  return svg(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': id,
      class: `chart ${className}`,
      preserveAspectRatio: 'xMidYMid meet',
    },
    svg('title', { id }, label),
  );
}

export interface StackedSeries<K extends string> {
  key: K;
  label: string;
}

export interface StackedBarsOptions<K extends string> {
  /** One bar per entry, left to right, labelled by `date`. */
  bars: readonly ({ date: string } & Record<K, number>)[];
  series: readonly StackedSeries<K>[];
  /** The text alternative: what the chart says in one sentence. */
  label: string;
}

const BAR_HEIGHT = 160;
const AXIS = 36;
const SLOT = 20;

/** Bars of several series stacked per day, the first series at the bottom. */
export function stackedBars<K extends string>(options: StackedBarsOptions<K>): SVGSVGElement {
  const width = AXIS + options.bars.length * SLOT + 4;
  const height = BAR_HEIGHT + 34;
  const root = chart(width, height, options.label, 'stacked-bars');
  const total = (bar: Record<K, number>) =>
    options.series.reduce((sum, { key }) => sum + bar[key], 0);
  const max = Math.max(1, ...options.bars.map(total));
  const y = (value: number) => 8 + BAR_HEIGHT - (value / max) * BAR_HEIGHT;
  root.append(
    svg('line', { x1: AXIS, x2: width, y1: y(0), y2: y(0), class: 'axis' }),
    svg('text', { x: AXIS - 4, y: y(max) + 4, class: 'tick', 'text-anchor': 'end' }, String(max)),
    svg('text', { x: AXIS - 4, y: y(0), class: 'tick', 'text-anchor': 'end' }, '0'),
  );
  options.bars.forEach((bar, i) => {
    const x = AXIS + i * SLOT + 2;
    let base = 0;
    const parts = options.series.map(({ key, label }) => `${bar[key]} ${label.toLowerCase()}`);
    const group = svg(
      'g',
      { class: 'bar', 'data-date': bar.date },
      svg('title', {}, `${bar.date}: ${parts.join(', ')}`),
    );
    for (const { key } of options.series) {
      const value = bar[key];
      if (value > 0) {
        group.append(
          svg('rect', {
            x,
            y: y(base + value),
            width: SLOT - 4,
            height: y(base) - y(base + value),
            class: `segment segment-${key}`,
            'data-count': value,
          }),
        );
      }
      base += value;
    }
    // A transparent cover, so a pointer over an empty day still shows its title.
    group.append(
      svg('rect', { x, y: 8, width: SLOT - 4, height: BAR_HEIGHT, class: 'hover-target' }),
    );
    root.append(group);
    const last = i === options.bars.length - 1;
    // A week apart, and the last day, unless a week's label sits too close to it.
    if (last || (i % 7 === 0 && i < options.bars.length - 4)) {
      root.append(
        svg(
          'text',
          { x: x + (SLOT - 4) / 2, y: height - 8, class: 'tick', 'text-anchor': 'middle' },
          bar.date.slice(5),
        ),
      );
    }
  });
  return root;
}

/** A share (0–1) as a filled bar with its percentage; an empty track when unknown. */
export function shareBar(share: number | null, label: string): SVGSVGElement {
  const width = 300;
  const root = chart(width, 28, label, 'share-bar');
  root.append(svg('rect', { x: 0, y: 4, width, height: 20, rx: 4, class: 'track' }));
  if (share !== null) {
    root.append(
      svg('rect', {
        x: 0,
        y: 4,
        width: Math.round(share * width),
        height: 20,
        rx: 4,
        class: 'fill',
      }),
    );
  }
  return root;
}

/** Horizontal bars comparing a few durations on one scale, each named and valued. */
export function durationBars(
  rows: readonly { label: string; seconds: number | null; text: string }[],
  label: string,
): SVGSVGElement {
  const width = 300;
  const rowHeight = 26;
  const root = chart(width, rows.length * rowHeight, label, 'duration-bars');
  const max = Math.max(1, ...rows.map((row) => row.seconds ?? 0));
  rows.forEach((row, i) => {
    const barWidth = row.seconds === null ? 0 : Math.max(2, (row.seconds / max) * (width - 4));
    root.append(
      svg(
        'g',
        {},
        svg('title', {}, `${row.label}: ${row.text}`),
        svg('rect', {
          x: 0,
          y: i * rowHeight + 4,
          width: barWidth,
          height: 18,
          rx: 3,
          class: 'fill',
        }),
      ),
    );
  });
  return root;
}
