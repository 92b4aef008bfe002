import { expect } from 'chai';
import {
  BATCH_CSV_COLUMNS,
  BatchInputError,
  csvRecords,
  parseBatch,
} from '../../src/console/batch-input';
import { csvRecord } from '../../src/deliveries/csv';
import { BatchDeliveryRequest } from '../../src/schemas/batches';
import { DropoffWindow } from '../../src/schemas/deliveries';

describe('batch input (the console reads a pasted or uploaded batch)', () => {
  const cases: { name: string; text: string; deliveries: unknown[] }[] = [
    {
      name: 'CSV with a header row: empty cells left out, the window made one field',
      text: [
        'idempotency_key,product_name,delivery_address,delivery_date,dropoff_window_start,dropoff_window_end,proof_required',
        'o-1,Lamp,"1 Main St, Springfield",2030-01-01,,,yes',
        'o-2,Kettle,2 Side St,,2030-01-01T09:00:00Z,2030-01-01T11:00:00Z,false',
      ].join('\r\n'),
      deliveries: [
        {
          idempotency_key: 'o-1',
          product_name: 'Lamp',
          delivery_address: '1 Main St, Springfield',
          delivery_date: '2030-01-01',
          proof_required: true,
        },
        {
          idempotency_key: 'o-2',
          product_name: 'Kettle',
          delivery_address: '2 Side St',
          dropoff_window: { start: '2030-01-01T09:00:00Z', end: '2030-01-01T11:00:00Z' },
          proof_required: false,
        },
      ],
    },
    {
      name: 'CSV with a byte-order mark, quoted quotes and line breaks, and blank lines',
      text: '\uFEFFidempotency_key,notes\n\no-3,"say ""hi""\nat the door"\n\n',
      deliveries: [{ idempotency_key: 'o-3', notes: 'say "hi"\nat the door' }],
    },
    {
      name: 'the API’s JSON body',
      text: ' {"deliveries": [{"idempotency_key": "o-4"}]}',
      deliveries: [{ idempotency_key: 'o-4' }],
    },
    {
      name: 'a bare JSON array',
      text: '[{"idempotency_key": "o-5"}]',
      deliveries: [{ idempotency_key: 'o-5' }],
    },
  ];
  for (const { name, text, deliveries } of cases) {
    it(`when given ${name}, then it makes the batch body`, () => {
      expect(parseBatch(text)).to.deep.equal({ deliveries });
    });
  }

  const refusals: { name: string; text: string; message: RegExp }[] = [
    { name: 'nothing', text: '  ', message: /Choose a file or paste/ },
    { name: 'a header alone', text: 'idempotency_key,product_name', message: /header row/ },
    { name: 'broken JSON', text: '{"deliveries": [', message: /not valid JSON/ },
    { name: 'JSON of another shape', text: '{"items": []}', message: /must be \{"deliveries"/ },
    { name: 'an unclosed quote', text: 'a,b\n"x,y', message: /never closed/ },
  ];
  for (const { name, text, message } of refusals) {
    it(`when given ${name}, then it says what is wrong`, () => {
      expect(() => parseBatch(text))
        .to.throw(BatchInputError)
        .with.property('message')
        .that.matches(message);
    });
  }

  it('when the export’s own CSV records are read back, then each cell comes back as written', () => {
    const cells = ['a,b', 'say "hi"', 'two\r\nlines', '', 'plain'];
    expect(csvRecords(csvRecord(cells) + csvRecord(['x', 'y', 'z', 'w', 'v']))).to.deep.equal([
      cells,
      ['x', 'y', 'z', 'w', 'v'],
    ]);
  });

  it('when the create gains or loses a field, then the CSV columns the console names follow (the window as two columns)', () => {
    const windowColumns = Object.keys(DropoffWindow.properties).map((p) => `dropoff_window_${p}`);
    const fields = Object.keys(BatchDeliveryRequest.properties).flatMap((field) =>
      field === 'dropoff_window' ? windowColumns : [field],
    );
    expect([...BATCH_CSV_COLUMNS].sort()).to.deep.equal(fields.sort());
  });
});
