import type { Config } from '../config';

/** What the email activity needs from the configuration. */
export interface EmailSettings {
  /** Unset: emails go to the outbox table and the log instead of Postmark. */
  serverToken?: string;
  /** Postmark's API base URL; tests point it at a local Postmark-like server. */
  apiUrl?: string;
  messageStream: string;
  from: string;
}

export function emailSettingsFrom(config: Config): EmailSettings {
  return {
    ...(config.POSTMARK_SERVER_TOKEN ? { serverToken: config.POSTMARK_SERVER_TOKEN } : {}),
    ...(config.POSTMARK_API_URL ? { apiUrl: config.POSTMARK_API_URL } : {}),
    messageStream: config.POSTMARK_MESSAGE_STREAM,
    from: config.EMAIL_FROM,
  };
}
