import { Type } from '@sinclair/typebox';
import { findTrackedDelivery } from '../../db/repositories/deliveries';
import { Problem } from '../../schemas/common';
import { PublicTracking, TrackingParams, TrackingStreamEvent } from '../../schemas/tracking';
import { publicView } from '../../tracking/public-view';
import { TRACKING_PATH } from '../../tracking/tracking-links';
import type { AppDeps } from '../deps';
import { problemResponse } from '../openapi-problems';
import { defineRoute } from '../route';
import { notFoundAnswer, pageAssets, wantsJson } from '../tracking/http';
import { trackingPage } from '../tracking/page';
import { openTrackingStream } from '../tracking/stream';

const Html = Type.String({ description: 'The page (text/html)' });

const notFound = (page: boolean) => ({
  description: `No tracking page here: the same status, headers and body for a malformed, an unknown or a replaced link${page ? ' (a page for a browser)' : ''}`,
  schema: Problem,
  ...(page ? { alternatives: { 'text/html': Html } } : {}),
});

const responsesOfAll = (limit: string, page: boolean) => ({
  429: {
    ...problemResponse(
      `Over ${limit} requests per minute from your address (TRACKING_RATE_LIMIT_PER_MINUTE); retry after Retry-After seconds`,
    ),
    ...(page ? { alternatives: { 'text/html': Html } } : {}),
  },
  503: problemResponse('The database is unreachable or busy; retry after Retry-After seconds'),
});

export function trackingRoutes(deps: AppDeps) {
  const limit = String(deps.config.TRACKING_RATE_LIMIT_PER_MINUTE);
  return [
    defineRoute({
      method: 'get',
      path: `${TRACKING_PATH}/{token}`,
      root: true,
      summary: "A delivery's public tracking page: HTML, or JSON with Accept: application/json",
      description:
        "The `tracking_url` of a delivery, for its recipient: no account. A browser gets a page that works without JavaScript and, with it, updates live (from `…/events`); `Accept: application/json` gets the same content as JSON. It shows the product, the status, the expected day or window, whether it is running late, the public steps and the courier's first name; never ids, the address, partner notes, phone numbers or the proof's photos.",
      tag: 'tracking',
      access: { public: true },
      params: TrackingParams,
      invalidParams: ({ ctx }) => notFoundAnswer(ctx, 'negotiated'),
      responses: {
        200: {
          description: 'The public view of the delivery',
          schema: PublicTracking,
          alternatives: { 'text/html': Html },
        },
        404: notFound(true),
        ...responsesOfAll(limit, true),
      },
      handle: async ({ params, ctx }) => {
        const delivery = await findTrackedDelivery(deps.db, { token: params.token });
        if (!delivery) return notFoundAnswer(ctx, 'negotiated');
        const view = publicView(delivery, Date.now());
        if (wantsJson(ctx)) return { status: 200, body: view };
        const html = trackingPage(view, {
          timeZone: deps.config.BUSINESS_TIMEZONE,
          eventsUrl: `${TRACKING_PATH}/${params.token}/events`,
          assets: await pageAssets(),
        });
        return { status: 200, body: html, headers: { 'Content-Type': 'text/html; charset=utf-8' } };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${TRACKING_PATH}/{token}/events`,
      root: true,
      summary: "A tracking page's live updates as Server-Sent Events",
      description:
        'What the page opens with `EventSource`: the public view at once and after every change (`event: view`, the JSON of the page), `: ping` comments in between. When the link is replaced the stream ends and reconnecting gets the 404.',
      tag: 'tracking',
      access: { public: true },
      params: TrackingParams,
      invalidParams: ({ ctx }) => notFoundAnswer(ctx, 'json'),
      responses: {
        200: {
          description: 'An event stream of `event: view` events',
          contentType: 'text/event-stream',
          schema: TrackingStreamEvent,
        },
        404: notFound(false),
        ...responsesOfAll(limit, false),
      },
      handle: async ({ params, ctx }) => {
        const mark = deps.trackingHub.mark();
        const delivery = await findTrackedDelivery(deps.db, { token: params.token });
        if (!delivery) return notFoundAnswer(ctx, 'json');
        openTrackingStream(ctx, {
          hub: deps.trackingHub,
          delivery,
          mark,
          heartbeatMs: deps.config.SSE_HEARTBEAT_SECONDS * 1000,
          drain: deps.drain,
          streams: {
            opened: () => deps.metrics.openTrackingStreams.inc(),
            closed: () => deps.metrics.openTrackingStreams.dec(),
          },
        });
        return { status: 200, raw: true };
      },
    }),
  ];
}
