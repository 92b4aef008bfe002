/** Whether a Node version satisfies an engines range (>=, <, ^, bare versions, spaces, ||). */
export declare function satisfies(version: string, range: string): boolean;
/** Undefined when the Node is supported; otherwise the message saying what to install and how. */
export declare function unsupportedNodeMessage(node: {
  version: string;
  execPath: string;
  range: string;
  pinned: string;
  command: string;
}): string | undefined;
