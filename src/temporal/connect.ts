import {
  Client,
  Connection,
  type ClientInterceptors,
  type ConnectionOptions,
} from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { retryWithinDeadline } from './deadline';
import { DELIVERY_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

export interface TemporalSettings {
  address: string;
  namespace: string;
}

/** How the API reaches Temporal: its calls' deadlines bound the client's own retries too. */
export function clientConnectionOptions(address: string): ConnectionOptions {
  return { address, connectTimeout: 5000, interceptors: [retryWithinDeadline()] };
}

/** Retries until the server answers, generous enough for a cold dev-server start on 2 cores. */
export async function connectClient(
  settings: TemporalSettings & { interceptors?: ClientInterceptors | undefined },
  timeoutMs = 120_000,
): Promise<Client> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect(clientConnectionOptions(settings.address));
      await connection.workflowService.describeNamespace({ namespace: settings.namespace });
      const { namespace, interceptors } = settings;
      return new Client({ connection, namespace, ...(interceptors ? { interceptors } : {}) });
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`Temporal at ${settings.address} did not answer: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

const { IndexedValueType } = temporal.api.enums.v1;
const INDEXED_TYPES: Partial<Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType>> =
  {
    [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  };

export function indexedType(type: SearchAttributeType): temporal.api.enums.v1.IndexedValueType {
  const indexed = INDEXED_TYPES[type];
  if (indexed === undefined) throw new Error(`No indexed type for search attributes of ${type}`);
  return indexed;
}

/** Registers the delivery search attributes on the namespace if they are missing (idempotent). */
export async function ensureSearchAttributes(client: Client): Promise<void> {
  const { operatorService } = client.connection;
  const { customAttributes } = await operatorService.listSearchAttributes({
    namespace: client.options.namespace,
  });
  const missing = DELIVERY_SEARCH_ATTRIBUTES.filter((key) => !(key.name in customAttributes));
  if (missing.length === 0) return;
  await operatorService.addSearchAttributes({
    namespace: client.options.namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedType(key.type)])),
  });
}
