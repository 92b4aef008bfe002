import type { Api } from './api';
import { personName, type AdminChoice, type Delivery } from './model';
import type { ConsoleUser } from './session';

/**
 * Active admins and how many open deliveries each holds, from the public lists only: the ASSIGNED
 * and IN_TRANSIT deliveries grouped by assignee. Least loaded first, so the obvious pick is on top.
 */
export async function loadAdminChoices(api: Api): Promise<AdminChoice[]> {
  const [admins, assigned, inTransit] = await Promise.all([
    api.all<ConsoleUser>('/users', { role: 'admin', is_active: 'true' }),
    api.all<Delivery>('/deliveries', { status: 'ASSIGNED' }),
    api.all<Delivery>('/deliveries', { status: 'IN_TRANSIT' }),
  ]);
  const open = new Map<string, number>();
  for (const delivery of [...assigned, ...inTransit]) {
    if (delivery.assigned_to)
      open.set(delivery.assigned_to, (open.get(delivery.assigned_to) ?? 0) + 1);
  }
  return admins
    .map((admin) => ({
      id: admin.id,
      name: personName(admin),
      email: admin.email,
      open: open.get(admin.id) ?? 0,
    }))
    .sort((a, b) => a.open - b.open || a.name.localeCompare(b.name));
}

export function adminLabel(admin: AdminChoice): string {
  return `${admin.name} (${admin.email}) — ${admin.open} open`;
}
