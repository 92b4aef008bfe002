import { failureReasonWording } from '../domain/failure-reasons';
import { copyOrSelect } from './clipboard';
import { button, formatTime, h } from './dom';
import type { ConsoleContext, Delivery, TimelineEvent } from './model';
import { describe } from './problem';

type ProofLinks = NonNullable<Delivery['proof']>;

/** "7 Dec 2030, 09:00 – 11:00": both ends in the reader's locale. */
export function windowText(window: Delivery['dropoff_window']): string | null {
  return window ? `${formatTime(window.start)} – ${formatTime(window.end)}` : null;
}

/** Copies the link, or shows it selected where the page may not copy (plain http). */
async function copy(text: string, fallback: HTMLInputElement): Promise<string> {
  const copied = await copyOrSelect(text, () => {
    fallback.hidden = false;
    fallback.select();
  });
  return copied ? 'Tracking link copied.' : 'Copy the selected link.';
}

/** The public tracking link, to forward to the recipient, with a copy button. */
export function trackingLink(context: ConsoleContext, delivery: Delivery): HTMLElement {
  const url = delivery.tracking_url;
  const fallback = h('input', {
    type: 'text',
    readonly: true,
    value: url,
    'aria-label': 'Tracking link',
    hidden: true,
  });
  const copyButton = button('Copy link', () => {
    void copy(url, fallback).then(context.announce);
  });
  return h(
    'div',
    { class: 'tracking-link' },
    h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, url),
    copyButton,
    fallback,
  );
}

/** The courier's note on the FAILED change, from the timeline: the row keeps the code only. */
const failureNote = (timeline: TimelineEvent[]) =>
  [...timeline].reverse().find((e) => e.to_status === 'FAILED' && e.type === 'status_changed')
    ?.reason ?? null;

/** Why it failed: the code's label and the courier's note; `other` is its note alone. */
export function failureText(delivery: Delivery, timeline: TimelineEvent[]): string | null {
  if (!delivery.failure_reason) return null;
  const note = failureNote(timeline);
  if (delivery.failure_reason === 'other' && note) return note;
  const label = failureReasonWording(delivery.failure_reason).label;
  return note ? `${label} — ${note}` : label;
}

/**
 * The object URLs one render made, revoked together when it is replaced or closed. A photo that
 * arrives after that gets none: its thumbnail is no longer on the page.
 */
export class ObjectUrls {
  private urls: string[] | null = [];

  create(blob: Blob): string | null {
    if (!this.urls) return null;
    const url = URL.createObjectURL(blob);
    this.urls.push(url);
    return url;
  }

  release(): void {
    for (const url of this.urls ?? []) URL.revokeObjectURL(url);
    this.urls = null;
  }
}

/**
 * The proof's photos as thumbnails linking to the full image. The API wants the bearer token, so
 * each photo is read as bytes and shown from an object URL of `urls` (the page's CSP allows
 * `blob:` images).
 */
export function proofPhotos(
  context: ConsoleContext,
  delivery: Delivery,
  proof: ProofLinks,
  urls: ObjectUrls,
): HTMLElement {
  const total = proof.attachments.length;
  const items = proof.attachments.map((attachment, index) => {
    const words = `Photo ${index + 1} of ${total}, received by ${proof.received_by}`;
    const item = h('li', { class: 'photo' }, h('span', { class: 'meta' }, 'Loading photo…'));
    context.api.blob(`/deliveries/${delivery.id}/attachments/${attachment.id}`).then(
      (blob) => {
        const url = urls.create(blob);
        if (!url) return;
        item.replaceChildren(
          h(
            'a',
            { href: url, target: '_blank', rel: 'noopener', title: `Open ${words.toLowerCase()}` },
            h('img', { src: url, alt: words, 'data-attachment-id': attachment.id }),
          ),
        );
      },
      (error: unknown) =>
        item.replaceChildren(h('span', { class: 'form-error' }, `${words}: ${describe(error)}`)),
    );
    return item;
  });
  return h('ul', { class: 'photos', 'aria-label': 'Proof photos' }, ...items);
}
