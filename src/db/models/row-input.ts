import type { Model, ModelObject } from 'objection';

/** PostgreSQL parses an ISO string into a date or timestamp column as well as a Date. */
type Written<T> = T extends Date ? Date | string : T;

/** Every column of the model's table, as a statement writes it. */
export type RowInput<M extends Model> = {
  [K in keyof ModelObject<M>]: Written<ModelObject<M>[K]>;
};
