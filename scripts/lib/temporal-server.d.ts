/** The pinned go.temporal.io/server version (`v1.32.2`). */
export declare const TEMPORAL_SERVER_VERSION: string;
/** Builds (first use) and returns the server, its SQL tool, the schema folder and base config. */
export declare function ensureTemporalServer(): {
  version: string;
  server: string;
  sqlTool: string;
  schemaDir: string;
  baseConfig: string;
};
