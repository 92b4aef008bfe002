import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes that let ops filter deliveries in the Temporal UI and CLI. */
export const deliveryStatusKey = defineSearchAttributeKey(
  'DeliveryStatus',
  SearchAttributeType.KEYWORD,
);
export const partnerIdKey = defineSearchAttributeKey('PartnerId', SearchAttributeType.KEYWORD);
export const assignedAdminIdKey = defineSearchAttributeKey(
  'AssignedAdminId',
  SearchAttributeType.KEYWORD,
);

export const DELIVERY_SEARCH_ATTRIBUTES = [deliveryStatusKey, partnerIdKey, assignedAdminIdKey];
