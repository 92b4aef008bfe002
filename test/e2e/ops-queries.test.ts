import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import request from 'supertest';
import { deliveryStartOptions } from '../../src/deliveries/delivery-runs';
import { startTemporalDevServer } from '../../src/dev/temporal-dev-server';
import { connectClient, ensureSearchAttributes } from '../../src/temporal/connect';
import { opsViews, temporalUiListUrl } from '../../src/temporal/ops-views';
import { deliveryWorkflow } from '../../src/workflows';
import { launchBrowser, screenshotPath } from '../support/browser';
import { deliveryBody, deliveryInput } from '../support/deliveries';
import { freePort } from '../support/free-port';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';

const run = promisify(execFile);
const api = () => request(stack().app.callback());

/** The ops query block of docs/operations.md, one CLI command per line. */
async function documentedQueries(): Promise<string[][]> {
  const doc = await readFile(path.resolve(__dirname, '../../docs/operations.md'), 'utf8');
  const section = doc.split('The queries ops use')[1]!;
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block
    .trim()
    .split('\n')
    .map((line) => {
      const [, command, query] = /^temporal (workflow \w+) --query "(.*)"$/.exec(line)!;
      return [...command!.split(' '), '--query', query!];
    });
}

async function temporal(args: string[], format = 'json'): Promise<string> {
  const { cliPath, temporalAddress } = stack();
  const { stdout } = await run(cliPath, [...args, '--address', temporalAddress, '-o', format]);
  if (format === 'json' && stdout.trim() === '') throw new Error(`no output: ${args.join(' ')}`);
  return stdout;
}

/** A delivery date no other test uses, so the date queries see only ours. */
function uniqueDate(): { date: string; dayAfter: string } {
  const day = new Date(Date.UTC(2090 + Math.floor(Math.random() * 9), 0, 1));
  day.setUTCDate(day.getUTCDate() + Math.floor(Math.random() * 360));
  const next = new Date(day.getTime() + 86_400_000);
  return { date: day.toISOString().slice(0, 10), dayAfter: next.toISOString().slice(0, 10) };
}

describe('the ops queries of docs/operations.md, run through the Temporal CLI', () => {
  it('when ops run each documented query, then it finds the deliveries it is meant to', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const admin = await createUserWithToken({ role: 'admin' });
    const boss = await createUserWithToken({ role: 'super_admin' });
    const { date, dayAfter } = uniqueDate();
    const create = async () => {
      const res = await api()
        .post('/api/v1/deliveries')
        .set(bearer(partner.token))
        .send(deliveryBody({ delivery_date: date }));
      expect(res.status).to.equal(201);
      return { id: res.body.id as string, workflowId: res.body.workflow_id as string };
    };
    const change = (id: string, action: string, token: string, body: object) =>
      api().post(`/api/v1/deliveries/${id}/${action}`).set(bearer(token)).send(body);

    const waiting = await create();
    const assigned = await create();
    expect(
      (await change(assigned.id, 'assign', boss.token, { admin_id: admin.user.id })).status,
    ).to.equal(200);
    const inTransit = await create();
    await change(inTransit.id, 'assign', boss.token, { admin_id: admin.user.id });
    expect(
      (await change(inTransit.id, 'status', admin.token, { status: 'IN_TRANSIT' })).status,
    ).to.equal(200);
    const failed = await create();
    await change(failed.id, 'assign', boss.token, { admin_id: admin.user.id });
    await change(failed.id, 'status', admin.token, { status: 'IN_TRANSIT' });
    expect(
      (
        await change(failed.id, 'status', admin.token, {
          status: 'FAILED',
          failure_reason: 'recipient_unavailable',
          reason: 'closed',
        })
      ).status,
    ).to.equal(200);
    const terminated = await create();
    await stack().client.workflow.getHandle(terminated.workflowId).terminate('ops test');

    const live = [waiting, assigned, inTransit].map((d) => d.workflowId);
    const expected: Record<string, string[]> = {
      "DeliveryId='<delivery-id>'": [waiting.workflowId],
      "DeliveryStatus='CREATED' AND ExecutionStatus='Running'": [waiting.workflowId],
      "DeliveryStatus='IN_TRANSIT' AND ExecutionStatus='Running'": [inTransit.workflowId],
      "AssignedAdminId='<admin-id>' AND ExecutionStatus='Running'": [
        assigned.workflowId,
        inTransit.workflowId,
      ],
      "PartnerId='<partner-id>' AND DeliveryStatus IN ('CREATED','ASSIGNED','IN_TRANSIT')": [
        ...live,
        terminated.workflowId,
      ],
      "DeliveryDate BETWEEN '<delivery-date>T00:00:00Z' AND '<delivery-date>T23:59:59Z' AND ExecutionStatus='Running'":
        live,
      "DeliveryDate < '<delivery-date>T00:00:00Z' AND ExecutionStatus='Running'": live,
      "ExecutionStatus='Failed' AND DeliveryStatus='FAILED'": [failed.workflowId],
      "ExecutionStatus='Terminated' AND DeliveryStatus IN ('CREATED','ASSIGNED','IN_TRANSIT')": [
        terminated.workflowId,
      ],
    };
    const fill = (query: string, overdue: boolean) =>
      query
        .replaceAll('<delivery-id>', waiting.id)
        .replaceAll('<admin-id>', admin.user.id)
        .replaceAll('<partner-id>', partner.user.id)
        // "Due before" is asked the day after our deliveries are due.
        .replaceAll('<delivery-date>', overdue ? dayAfter : date);

    const queries = await documentedQueries();
    expect(queries.length).to.be.at.least(9);
    for (const args of queries) {
      const template = args.at(-1)!;
      const query = fill(template, template.includes('DeliveryDate <'));
      const command = [...args.slice(0, -1), query];
      if (args[1] === 'count') {
        const { count } = JSON.parse(await temporal(command)) as { count?: string };
        expect(Number(count ?? 0), query).to.be.at.least(2);
        continue;
      }
      const want = expected[template];
      expect(want, `the test knows what "${template}" should find`).to.be.an('array');
      await waitFor(
        async () => {
          const output = JSON.parse(await temporal([...command, '--limit', '5000'])) as {
            execution: { workflowId: string };
          }[];
          const listed = output.map((wf) => wf.execution.workflowId);
          return want!.every((id) => listed.includes(id)) ? true : undefined;
        },
        `"${query}" to list ${want!.join(', ')}`,
      );
    }

    const metadata = await temporal(
      ['workflow', 'metadata', '--workflow-id', assigned.workflowId],
      'text',
    );
    expect(metadata).to.contain('**Status** ASSIGNED');
    expect(metadata).to.contain(admin.user.id);
    for (const d of [waiting, assigned, inTransit]) {
      await stack().client.workflow.getHandle(d.workflowId).terminate('test finished');
    }
  });

  it('when ops open the Unassigned view the platform prints, then the Temporal UI opens filtered to it and lists the waiting delivery', async function () {
    this.timeout(120_000);
    const [port, uiPort] = await Promise.all([freePort(), freePort()]);
    const temporal = startTemporalDevServer({
      cliPath: stack().cliPath,
      port,
      uiPort,
      dbFile: null,
      namespace: 'default',
    });
    const browser = await launchBrowser();
    try {
      const client = await connectClient({ address: temporal.address, namespace: 'default' });
      await ensureSearchAttributes(client);
      // No worker polls this server: the run waits at its first task, listed by its start.
      const input = deliveryInput((await createUserWithToken({ role: 'partner' })).user.id);
      await client.workflow.start(deliveryWorkflow, deliveryStartOptions(stack().config, input));
      await client.connection.close();

      const unassigned = opsViews('2030-01-01').find((view) => view.title === 'Unassigned')!;
      const page = await (
        await browser.newContext({ viewport: { width: 1280, height: 720 } })
      ).newPage();
      await page.goto(temporalUiListUrl(temporal.uiUrl!, 'default', unassigned.query));
      await page.getByText(input.idempotencyKey).first().waitFor({ timeout: 60_000 });
      await page.screenshot({ path: screenshotPath('temporal-ui-unassigned-view') });
    } finally {
      await browser.close();
      await temporal.stop();
    }
  });
});
