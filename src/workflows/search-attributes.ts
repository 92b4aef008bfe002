import {
  defineSearchAttributeKey,
  SearchAttributeType,
  type SearchAttributePair,
} from '@temporalio/common';
import type { DeliveryStatus } from '../domain/delivery-status';

/** Custom search attributes that let ops find and filter deliveries in the Temporal UI and CLI. */
export const deliveryIdKey = defineSearchAttributeKey('DeliveryId', SearchAttributeType.KEYWORD);
export const deliveryStatusKey = defineSearchAttributeKey(
  'DeliveryStatus',
  SearchAttributeType.KEYWORD,
);
export const partnerIdKey = defineSearchAttributeKey('PartnerId', SearchAttributeType.KEYWORD);
export const assignedAdminIdKey = defineSearchAttributeKey(
  'AssignedAdminId',
  SearchAttributeType.KEYWORD,
);
/** Midnight UTC of the delivery date, so ops can ask for a day or a range. */
export const deliveryDateKey = defineSearchAttributeKey(
  'DeliveryDate',
  SearchAttributeType.DATETIME,
);

export const DELIVERY_SEARCH_ATTRIBUTES = [
  deliveryIdKey,
  deliveryStatusKey,
  partnerIdKey,
  assignedAdminIdKey,
  deliveryDateKey,
];

/** What a delivery run carries from its start; later changes upsert status and assignee. */
export function initialSearchAttributes(fields: {
  deliveryId: string;
  partnerId: string;
  deliveryDate: string;
  status: DeliveryStatus;
  assignedTo: string | null;
}): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [
    { key: deliveryIdKey, value: fields.deliveryId },
    { key: deliveryStatusKey, value: fields.status },
    { key: partnerIdKey, value: fields.partnerId },
    { key: deliveryDateKey, value: new Date(`${fields.deliveryDate}T00:00:00Z`) },
  ];
  if (fields.assignedTo) pairs.push({ key: assignedAdminIdKey, value: fields.assignedTo });
  return pairs;
}
