import { FAILURE_REASONS, failureReasonWording } from '../domain/failure-reasons';
import { newIdempotencyKey } from './api';
import { field, h, input, markRequired, replaceChildren, select } from './dom';
import { actionForm, apiForm, submitButton } from './forms';
import type { ConsoleContext, Delivery } from './model';
import { ApiProblem, describe } from './problem';
import { photoUpload } from './photos';

const failureOptions = [
  ['', 'Choose a reason'] as const,
  ...FAILURE_REASONS.map((code) => [code, failureReasonWording(code).label] as const),
];

/** "Mark failed": a reason from the catalogue, and a note, which `other` requires. */
export function failedForm(
  context: ConsoleContext,
  delivery: Delivery,
  name: string,
  verb: string,
  done: () => void,
): HTMLFormElement {
  const code = field('Failure reason', select('failure_reason', failureOptions), {
    required: true,
  });
  const note = field('Note', input('reason', { autocomplete: 'off', maxlength: 2000 }), {
    required: false,
  });
  code.control.addEventListener('change', () => {
    markRequired(note, code.control.value === 'other');
  });
  return actionForm(
    name,
    (key) => {
      const text = note.control.value.trim();
      const body = {
        status: 'FAILED',
        // Only what was filled in: the API names what is missing next to its field.
        ...(code.control.value ? { failure_reason: code.control.value } : {}),
        ...(text ? { reason: text } : {}),
      };
      return context.api.post(`/deliveries/${delivery.id}/status`, { body, idempotencyKey: key });
    },
    done,
    code.wrapper,
    note.wrapper,
    submitButton(verb),
  );
}

const photoCount = (n: number) => (n === 1 ? '1 photo' : `${n} photos`);

/** A refused upload, said next to the photo input (`proof` is the field the API names too). */
function photoRefused(file: File, error: unknown): ApiProblem {
  const message = `"${file.name}" was not accepted: ${describe(error)}`;
  const status = error instanceof ApiProblem ? error.status : 0;
  return new ApiProblem(status, 'Photo not accepted', '', [{ field: 'proof', message }]);
}

/**
 * "Mark completed" with the proof: who received it (required when the delivery was created with
 * `proof_required`), a note and photos. Each photo is uploaded first (progress in words), then
 * COMPLETED names them; a photo already uploaded is not sent again when the form is resent.
 */
export function completedForm(
  context: ConsoleContext,
  delivery: Delivery,
  name: string,
  verb: string,
  done: () => void,
): HTMLFormElement {
  const required = delivery.proof_required;
  const receivedBy = field(
    'Received by',
    input('proof.received_by', { autocomplete: 'off', maxlength: 200 }),
    { required },
  );
  const note = field('Note', h('textarea', { name: 'proof.note', rows: 2, maxlength: 2000 }), {
    required: false,
  });
  const photos = field(
    'Photos',
    input('proof', { type: 'file', accept: 'image/*', capture: 'environment', multiple: true }),
    { required },
  );
  photos.wrapper.classList.add('wide');
  const progress = h('p', { class: 'progress', role: 'status', 'aria-live': 'polite' });
  const uploaded = new WeakMap<File, string>();
  const key = newIdempotencyKey();

  const uploadAll = async (files: File[]): Promise<string[]> => {
    const ids: string[] = [];
    for (const [index, file] of files.entries()) {
      let id = uploaded.get(file);
      if (!id) {
        replaceChildren(
          progress,
          `Uploading photo ${index + 1} of ${files.length} (${file.name})…`,
        );
        try {
          const { bytes, type } = await photoUpload(file);
          const stored = await context.api.upload<{ id: string }>(
            `/deliveries/${delivery.id}/attachments`,
            bytes,
            type,
          );
          id = stored.id;
        } catch (error) {
          replaceChildren(progress, `Photo ${index + 1} of ${files.length} was not uploaded.`);
          throw photoRefused(file, error);
        }
        uploaded.set(file, id);
      }
      ids.push(id);
    }
    return ids;
  };

  const send = async () => {
    const files = [...(photos.control.files ?? [])];
    const ids = await uploadAll(files);
    const who = receivedBy.control.value.trim();
    const text = note.control.value.trim();
    const withProof = required || ids.length > 0 || who !== '' || text !== '';
    const proof = { received_by: who, ...(text ? { note: text } : {}), attachment_ids: ids };
    replaceChildren(
      progress,
      ids.length > 0 ? `${photoCount(ids.length)} uploaded; marking it completed…` : '',
    );
    try {
      await context.api.post(`/deliveries/${delivery.id}/status`, {
        body: withProof ? { status: 'COMPLETED', proof } : { status: 'COMPLETED' },
        idempotencyKey: key,
      });
    } catch (error) {
      replaceChildren(progress, ids.length > 0 ? `${photoCount(ids.length)} uploaded.` : '');
      throw error;
    }
    context.announce(
      `"${delivery.product_name}" is completed${ids.length > 0 ? ` with ${photoCount(ids.length)}` : ''}.`,
    );
    done();
  };

  return apiForm({
    label: name,
    class: 'action proof',
    children: [receivedBy.wrapper, note.wrapper, photos.wrapper, progress, submitButton(verb)],
    send,
  });
}
