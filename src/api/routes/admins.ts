import { adminWorkload } from '../../db/repositories/deliveries';
import { OPEN_STATUSES } from '../../domain/delivery-status';
import { AdminWorkloadList } from '../../schemas/admin-workload';
import type { AppDeps } from '../deps';
import { defineRoute } from '../route';

export function adminRoutes(deps: AppDeps) {
  return [
    defineRoute({
      method: 'get',
      path: '/admins/workload',
      summary: 'Active admins with their open deliveries, least loaded first',
      description: `Every active admin once, with how many deliveries assigned to them are ${OPEN_STATUSES.map((status) => `\`${status}\``).join(' or ')}; ordered by that count, then by name. Whom to assign next, in one request.`,
      tag: 'users',
      access: { roles: ['super_admin'] },
      responses: {
        200: { description: 'Every active admin (not paginated)', schema: AdminWorkloadList },
      },
      handle: async () => ({ status: 200, body: { data: await adminWorkload(deps.db) } }),
    }),
  ];
}
