import type { AppDeps } from '../deps';
import type { Route } from '../route';
import { adminRoutes } from './admins';
import { apiKeyRoutes } from './api-keys';
import { attachmentRoutes } from './attachments';
import { authRoutes } from './auth';
import { batchRoutes } from './batches';
import { deliveryRoutes } from './deliveries';
import { dispatchRoutes } from './dispatch';
import { deliveryStatsRoutes } from './delivery-stats';
import { healthRoutes } from './health';
import { notificationRoutes } from './notifications';
import { selfServiceRoutes } from './self-service';
import { trackingRoutes } from './tracking';
import { userRoutes } from './users';
import { webhookRoutes } from './webhooks';

/** Every route of the API. The router, the OpenAPI document and the role-matrix test read this. */
export function allRoutes(deps: AppDeps): Route[] {
  return [
    ...healthRoutes(deps),
    ...authRoutes(deps),
    ...selfServiceRoutes(deps),
    ...userRoutes(deps),
    ...adminRoutes(deps),
    ...batchRoutes(deps),
    ...deliveryStatsRoutes(deps),
    ...deliveryRoutes(deps),
    ...dispatchRoutes(deps),
    ...attachmentRoutes(deps),
    ...notificationRoutes(deps),
    ...webhookRoutes(deps),
    ...apiKeyRoutes(deps),
    ...trackingRoutes(deps),
  ];
}
