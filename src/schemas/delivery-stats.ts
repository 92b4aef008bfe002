import { Type, type Static } from '@sinclair/typebox';
import { DELIVERY_STATUSES, OPEN_STATUSES } from '../domain/delivery-status';
import { CalendarDate, EXAMPLE_ID, Uuid } from './common';

/** How many days `GET /deliveries/stats` charts, today (in BUSINESS_TIMEZONE) the last. */
export const STATS_DAYS = 30;

/** The statuses a delivery ends in: the 30-day chart stacks these. */
export const FINAL_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;

export const DeliveryStatsQuery = Type.Object(
  {
    partner_id: Type.Optional({
      ...Uuid,
      description: "Only this partner's deliveries (every partner's when left out)",
    }),
  },
  { additionalProperties: false },
);
export type DeliveryStatsQuery = Static<typeof DeliveryStatsQuery>;

const count = (description: string) => Type.Integer({ minimum: 0, description });
const seconds = (description: string) =>
  Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description });

const StatusCounts = Type.Object(
  Object.fromEntries(
    DELIVERY_STATUSES.map((status) => [status, count(`Deliveries now ${status}`)]),
  ) as Record<(typeof DELIVERY_STATUSES)[number], ReturnType<typeof count>>,
  { additionalProperties: false },
);

const AdminLoad = Type.Object(
  {
    admin_id: Uuid,
    name: Type.String({ description: 'First and last name, or the email when both are empty' }),
    email: Type.String(),
    ASSIGNED: count('Assigned to them, not yet in transit'),
    IN_TRANSIT: count('On the road with them'),
    open: count(`Their deliveries in status ${OPEN_STATUSES.join(' or ')}`),
  },
  { additionalProperties: false },
);
export type AdminLoad = Static<typeof AdminLoad>;

const FinishedDay = Type.Object(
  {
    date: CalendarDate({ description: 'A day in BUSINESS_TIMEZONE' }),
    COMPLETED: count('Completed that day'),
    FAILED: count('Failed that day'),
    CANCELLED: count('Cancelled that day'),
  },
  { additionalProperties: false },
);
export type FinishedDay = Static<typeof FinishedDay>;

export const DeliveryStats = Type.Object(
  {
    time_zone: Type.String({ description: 'BUSINESS_TIMEZONE, the zone the days are counted in' }),
    today: CalendarDate({ description: 'Today in that zone: the last of `days`' }),
    total: count('Every delivery'),
    by_status: StatusCounts,
    created_today: count('Deliveries created today (in BUSINESS_TIMEZONE)'),
    admins: Type.Array(AdminLoad, {
      description:
        'Every active admin with their open deliveries, most loaded first, then by name (the whole list, not paginated)',
    }),
    days: Type.Array(FinishedDay, {
      minItems: STATS_DAYS,
      maxItems: STATS_DAYS,
      description: `The last ${STATS_DAYS} days, oldest first: deliveries that reached a final status each day`,
    }),
    on_time: Type.Object(
      {
        completed: count(`Deliveries completed in the last ${STATS_DAYS} days`),
        on_time: count(
          'Of those, completed by the end of their drop-off window, or without one by the end of their delivery date',
        ),
        rate: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
          description: '`on_time` / `completed`; null when nothing was completed',
        }),
      },
      { additionalProperties: false },
    ),
    median_seconds: Type.Object(
      {
        created_to_assigned: seconds(
          `Median time from creation to first assignment, over deliveries first assigned in the last ${STATS_DAYS} days; null when none`,
        ),
        created_to_completed: seconds(
          `Median time from creation to completion, over deliveries completed in the last ${STATS_DAYS} days; null when none`,
        ),
      },
      { additionalProperties: false },
    ),
    temporal_ui: Type.Union(
      [
        Type.Object(
          {
            url: Type.String({ format: 'uri', description: 'TEMPORAL_UI_URL' }),
            namespace: Type.String(),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      {
        description:
          "Where ops read a delivery's workflow (search `DeliveryId='…'` in that namespace); null unless TEMPORAL_UI_URL is configured",
      },
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        time_zone: 'Europe/Paris',
        today: '2030-06-30',
        total: 1290,
        by_status: {
          CREATED: 12,
          ASSIGNED: 30,
          IN_TRANSIT: 18,
          COMPLETED: 1100,
          FAILED: 40,
          CANCELLED: 90,
        },
        created_today: 41,
        admins: [
          {
            admin_id: EXAMPLE_ID,
            name: 'Grace Hopper',
            email: 'grace.hopper@example.com',
            ASSIGNED: 4,
            IN_TRANSIT: 2,
            open: 6,
          },
        ],
        days: Array.from({ length: STATS_DAYS }, (_, i) => ({
          date: `2030-06-${String(i + 1).padStart(2, '0')}`,
          COMPLETED: 30 + (i % 7),
          FAILED: i % 3,
          CANCELLED: 2,
        })),
        on_time: { completed: 1000, on_time: 930, rate: 0.93 },
        median_seconds: { created_to_assigned: 840, created_to_completed: 86_400 },
        temporal_ui: { url: 'https://temporal.example.com', namespace: 'default' },
      },
    ],
  },
);
export type DeliveryStats = Static<typeof DeliveryStats>;
