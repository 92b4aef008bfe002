import type { temporal } from '@temporalio/proto';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';

/*
 * The canonical protobuf JSON that `temporal workflow show --output json` and the Temporal UI's
 * download also write, so a history taken from any environment can join the replay set as is.
 * (These SDK helpers need one protobufjs copy shared by @temporalio/common and /proto, which is
 * why package.json names protobufjs 8 directly: without it npm nests a copy in each.)
 */
export function historyToJson(history: temporal.api.history.v1.IHistory): string {
  return `${historyToJSON(history)}\n`;
}

export function historyFromJson(json: string): temporal.api.history.v1.IHistory {
  return historyFromJSON(JSON.parse(json));
}
