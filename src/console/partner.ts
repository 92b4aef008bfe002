import { newIdempotencyKey } from './api';
import { field, h, input } from './dom';
import type { ConsoleContext, Delivery } from './model';
import { newItemForm } from './forms';

const OPTIONAL = ['recipient_name', 'recipient_phone', 'notes'] as const;

/**
 * The partner's "new delivery" form. It keeps one Idempotency-Key until a create succeeds, so a
 * retry after a lost answer makes one delivery too, not only a double click.
 */
export function createDeliveryForm(context: ConsoleContext, created: () => void): HTMLElement {
  const fields = [
    field('Product', input('product_name', { maxlength: 200 })),
    field(
      'Delivery address',
      input('delivery_address', { maxlength: 500, autocomplete: 'street-address' }),
    ),
    field('Delivery date', input('delivery_date', { type: 'date' })),
    field('Recipient name (optional)', input('recipient_name', { autocomplete: 'name' })),
    field(
      'Recipient phone (optional)',
      input('recipient_phone', { type: 'tel', autocomplete: 'tel' }),
    ),
    field('Notes (optional)', h('textarea', { name: 'notes', rows: 2, maxlength: 2000 })),
  ];
  let key = newIdempotencyKey();
  const form = newItemForm('New delivery', fields, 'Create delivery', async () => {
    const body: Record<string, string> = {};
    for (const { control } of fields) {
      const optional = (OPTIONAL as readonly string[]).includes(control.name);
      if (!optional || control.value.trim() !== '') body[control.name] = control.value;
    }
    const delivery = await context.api.post<Delivery>('/deliveries', {
      body,
      idempotencyKey: key,
    });
    key = newIdempotencyKey();
    form.reset();
    context.announce(`Delivery "${delivery.product_name}" created.`);
    created();
  });
  return form;
}
