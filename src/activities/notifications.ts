import {
  recordDeliveryNotifications,
  type NotificationFanOut,
} from '../notifications/delivery-notifications';
import type { DeliveryEventNotice } from '../workflows/notify';

export function createNotificationActivities() {
  return {
    /** Stores the change's in-app notifications; returns the emails and webhook to send. */
    recordInAppNotifications(notice: DeliveryEventNotice): Promise<NotificationFanOut> {
      return recordDeliveryNotifications(notice);
    },
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
