import type { Config } from '../config';

/** What the channels need from the configuration to write links and times. */
export interface NotificationSettings {
  /** Where links point: the tracking page, the console, the proof's images (no trailing slash). */
  publicUrl: string;
  /** The zone a drop-off window is written in for the recipient (BUSINESS_TIMEZONE). */
  timeZone: string;
}

export function notificationSettingsFrom(config: Config): NotificationSettings {
  return { publicUrl: config.PUBLIC_URL, timeZone: config.BUSINESS_TIMEZONE };
}
