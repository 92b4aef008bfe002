import { deliveryStats } from '../../db/repositories/deliveries';
import { dateIn } from '../../deliveries/deadlines';
import { DeliveryStats, DeliveryStatsQuery, STATS_DAYS } from '../../schemas/delivery-stats';
import type { AppDeps } from '../deps';
import { defineRoute } from '../route';

export function deliveryStatsRoutes(deps: AppDeps) {
  const { BUSINESS_TIMEZONE, TEMPORAL_UI_URL, TEMPORAL_NAMESPACE } = deps.config;
  const temporalUi = TEMPORAL_UI_URL
    ? { url: TEMPORAL_UI_URL, namespace: TEMPORAL_NAMESPACE }
    : null;
  return [
    defineRoute({
      method: 'get',
      path: '/deliveries/stats',
      summary: "The dispatcher's overview: counts, each admin's load, the last 30 days",
      description: `Counts per status, every active admin's open deliveries, and over the last ${STATS_DAYS} days in BUSINESS_TIMEZONE (today the last): the deliveries that reached COMPLETED, FAILED or CANCELLED each day, the share of completed ones done by their drop-off window's end (or their delivery date's end), and the median times from creation to first assignment and to completion. \`partner_id\` narrows everything but the admin list's membership to one partner's deliveries. Indexed: tens of milliseconds at 100,000 deliveries (docs/performance.md).`,
      tag: 'deliveries',
      access: { roles: ['super_admin'] },
      query: DeliveryStatsQuery,
      responses: { 200: { description: 'The overview', schema: DeliveryStats } },
      handle: async ({ query }) => {
        const stats = await deliveryStats(deps.db, {
          today: dateIn(Date.now(), BUSINESS_TIMEZONE),
          timeZone: BUSINESS_TIMEZONE,
          partnerId: query.partner_id,
        });
        return { status: 200, body: { ...stats, temporal_ui: temporalUi } };
      },
    }),
  ];
}
