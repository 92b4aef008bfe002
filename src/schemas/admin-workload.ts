import { Type, type Static } from '@sinclair/typebox';
import { OPEN_STATUSES } from '../domain/delivery-status';
import { EXAMPLE_ID, Uuid } from './common';

/** An active admin and the deliveries in their hands (OPEN_STATUSES). */
export const AdminWorkload = Type.Object(
  {
    admin_id: Type.String({
      ...Uuid,
      description: 'The admin, as `admin_id` of `POST /deliveries/{id}/assign` takes them',
    }),
    email: Type.String(),
    first_name: Type.String(),
    last_name: Type.String(),
    open_deliveries: Type.Integer({
      minimum: 0,
      description: `Deliveries assigned to them in status ${OPEN_STATUSES.join(' or ')}`,
    }),
    available: Type.Boolean({
      description: 'Whether auto-dispatch may offer them deliveries (PUT /users/me/availability)',
    }),
    capacity: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description:
        'Most open deliveries plus unanswered offers auto-dispatch gives them (PUT /users/{id}/capacity); null: no limit',
    }),
    pending_offers: Type.Integer({
      minimum: 0,
      description: 'Offers made to them that they have not answered yet',
    }),
  },
  { additionalProperties: false },
);
export type AdminWorkload = Static<typeof AdminWorkload>;

export const AdminWorkloadList = Type.Object(
  { data: Type.Array(AdminWorkload) },
  {
    additionalProperties: false,
    examples: [
      {
        data: [
          {
            admin_id: EXAMPLE_ID,
            email: 'grace.hopper@example.com',
            first_name: 'Grace',
            last_name: 'Hopper',
            open_deliveries: 0,
            available: true,
            capacity: 5,
            pending_offers: 1,
          },
          {
            admin_id: '8a1d2e3f-4b5c-4d6e-8f7a-9b0c1d2e3f4a',
            email: 'alan.turing@example.com',
            first_name: 'Alan',
            last_name: 'Turing',
            open_deliveries: 3,
            available: false,
            capacity: null,
            pending_offers: 0,
          },
        ],
      },
    ],
  },
);
export type AdminWorkloadList = Static<typeof AdminWorkloadList>;
