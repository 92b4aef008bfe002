/**
 * The Temporal UI's list views ops work from, as links. The UI keeps saved views in each browser
 * only, so the platform hands out links instead: `npm run dev` and the setup CLI print them, and
 * docs/operations.md lists the same queries (a unit test keeps the two in step).
 */
export interface OpsView {
  title: string;
  query: string;
}

const OPEN = "('CREATED','ASSIGNED','IN_TRANSIT')";

/** `today` (YYYY-MM-DD) dates the late view: visibility queries have no "now". */
export function opsViews(today: string): OpsView[] {
  return [
    {
      title: 'Unassigned',
      query: "DeliveryStatus='CREATED' AND ExecutionStatus='Running'",
    },
    {
      title: 'In transit',
      query: "DeliveryStatus='IN_TRANSIT' AND ExecutionStatus='Running'",
    },
    {
      title: `Late (open, due before ${today})`,
      query: `DeliveryDate < '${today}T00:00:00Z' AND ExecutionStatus='Running'`,
    },
    {
      title: 'Needs attention (terminated while open)',
      query: `ExecutionStatus='Terminated' AND DeliveryStatus IN ${OPEN}`,
    },
    { title: 'Failed', query: "ExecutionStatus='Failed' AND DeliveryStatus='FAILED'" },
  ];
}

/** The one delivery, by the id the API and console show. */
export const deliveryIdQuery = (deliveryId: string) => `DeliveryId='${deliveryId}'`;

export function temporalUiListUrl(uiBase: string, namespace: string, query: string): string {
  const base = uiBase.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent(query)}`;
}

/** The views as lines to print: a title and its link each. */
export function opsViewLines(uiBase: string, namespace: string, today: string): string[] {
  return opsViews(today).map(
    (view) => `    ${view.title.padEnd(40)} ${temporalUiListUrl(uiBase, namespace, view.query)}`,
  );
}
