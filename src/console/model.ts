import type { Static } from '@sinclair/typebox';
import type { DeliveryResource, TimelineEvent } from '../schemas/deliveries';
import type { Notification as NotificationSchema } from '../schemas/notifications';
import type { Role } from '../domain/roles';
import type { Api } from './api';
import type { ConsoleUser } from './session';

/** The API's own payload types, derived from the schemas it validates with (types only). */
export type Delivery = DeliveryResource;
export type { TimelineEvent };
export type ConsoleNotification = Static<typeof NotificationSchema>;

export interface AdminChoice {
  id: string;
  name: string;
  email: string;
  /** ASSIGNED and IN_TRANSIT deliveries assigned to them. */
  open: number;
}

/** What every view needs: the API, who is signed in, and how to tell them something. */
export interface ConsoleContext {
  api: Api;
  user: ConsoleUser;
  announce(message: string): void;
  /** Active admins with their open deliveries (super admins only; read afresh on each call). */
  admins(): Promise<AdminChoice[]>;
}

/** A part of the page that can re-read what it shows (a live change, a finished action). */
export interface View {
  element: HTMLElement;
  refresh(): Promise<void>;
  /** Releases what the view holds beyond the page (object URLs) when another replaces it. */
  dispose?(): void;
  /** Where the focus goes when this view is the page a sign-in lands on, instead of the page. */
  landingFocus?(): void;
}

export { STATUS_LABELS } from './status-labels';

export const ROLE_LABELS: Record<Role, string> = {
  super_admin: 'Super admin',
  admin: 'Admin',
  partner: 'Partner',
};

export function personName(user: { first_name: string; last_name: string }): string {
  return `${user.first_name} ${user.last_name}`.trim();
}
