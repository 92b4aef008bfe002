import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
const { History } = temporal.api.history.v1;

/*
 * protobufjs' own JSON form (longs and bytes as strings, enums by name), read back by the same
 * generated class. The SDK's historyToJSON/historyFromJSON would write the canonical protojson,
 * but in this install @temporalio/common and @temporalio/proto each carry their own protobufjs
 * copy and those helpers fail with "type must be a Type".
 */
export function historyToJson(history: History): string {
  return `${JSON.stringify(History.fromObject(history).toJSON(), null, 1)}\n`;
}

export function historyFromJson(json: string): temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(json) as Record<string, unknown>);
}
