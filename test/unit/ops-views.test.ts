import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { opsViews, temporalUiListUrl } from '../../src/temporal/ops-views';

/** The query block of docs/operations.md that test/e2e/ops-queries.test.ts runs for real. */
function documentedQueries(): string[] {
  const doc = readFileSync(path.resolve(__dirname, '../../docs/operations.md'), 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(doc.split('The queries ops use')[1]!)![1]!;
  return [...block.matchAll(/--query "(.*)"/g)].map((match) => match[1]!);
}

describe('the ops views of the Temporal UI', () => {
  it('when the platform prints a view, then its query is one docs/operations.md lists (and the end-to-end test runs)', () => {
    const documented = documentedQueries();
    for (const view of opsViews('<delivery-date>')) {
      expect(documented, view.title).to.include(view.query);
    }
  });

  it('when a view becomes a link, then the query is encoded under the namespace, with or without a trailing slash on the base', () => {
    const url = temporalUiListUrl('http://ops.example.com/', 'deliveries prod', "DeliveryId='a b'");
    expect(url).to.equal(
      "http://ops.example.com/namespaces/deliveries%20prod/workflows?query=DeliveryId%3D'a%20b'",
    );
    expect(new URL(url).searchParams.get('query')).to.equal("DeliveryId='a b'");
  });

  it('when the late view is dated, then it asks for open deliveries due before that day', () => {
    const late = opsViews('2031-05-04').find((view) => view.title.startsWith('Late'));
    expect(late?.query).to.equal(
      "DeliveryDate < '2031-05-04T00:00:00Z' AND ExecutionStatus='Running'",
    );
  });
});
