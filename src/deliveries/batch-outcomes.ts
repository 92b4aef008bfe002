/** What trying one item of a batch came to. */
export type BatchOutcome = 'created' | 'replayed' | 'failed';

/** The stored problem of a failed item: the domain error's code and words, not an HTTP body. */
export interface BatchItemProblem {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}
