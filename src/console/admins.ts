import type { AdminWorkloadList } from '../schemas/admin-workload';
import type { Api } from './api';
import { personName, type AdminChoice } from './model';

/**
 * Active admins and how many open deliveries each holds, in one request: the API counts them and
 * puts the least loaded first, so the obvious pick is on top.
 */
export async function loadAdminChoices(api: Api): Promise<AdminChoice[]> {
  const { data } = await api.get<AdminWorkloadList>('/admins/workload');
  return data.map((admin) => ({
    id: admin.admin_id,
    name: personName(admin),
    email: admin.email,
    open: admin.open_deliveries,
  }));
}

/** The load next to the name: a narrow select cuts the end off, and the email matters least. */
export function adminLabel(admin: AdminChoice): string {
  return `${admin.name} — ${admin.open} open (${admin.email})`;
}
