import { Type } from '@sinclair/typebox';
import { API_KEY_PATTERN, API_KEY_PREFIX, SANDBOX_API_KEY_PREFIX } from '../domain/api-key-format';
import { Page, PageQuery, Uuid } from './common';

const Timestamp = Type.String({ format: 'date-time' });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export const CreateApiKeyRequest = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Tells your integrations apart; shown on the timeline of deliveries it creates',
    }),
    expires_at: Type.Optional(
      Type.String({ format: 'date-time', description: 'When the key stops working (future)' }),
    ),
    sandbox: Type.Optional(
      Type.Boolean({
        description: `A sandbox key (\`${SANDBOX_API_KEY_PREFIX}…\`): its deliveries are test ones (\`sandbox: true\`), which no admin sees and no recipient is emailed about`,
      }),
    ),
  },
  { additionalProperties: false },
);

export const ApiKey = Type.Object(
  {
    id: Uuid,
    partner_id: Uuid,
    name: Type.String(),
    prefix: Type.String({
      description: `The first characters of the key, e.g. \`${API_KEY_PREFIX}3fZq9a\``,
    }),
    sandbox: Type.Boolean({ description: 'Whether the key creates sandbox deliveries' }),
    created_at: Timestamp,
    last_used_at: Type.Union([Timestamp, Type.Null()], {
      description: 'Updated at most once a minute',
    }),
    expires_at: NullableTimestamp,
    revoked_at: NullableTimestamp,
  },
  { additionalProperties: false },
);

export const CreatedApiKey = Type.Object(
  {
    ...ApiKey.properties,
    key: Type.String({
      pattern: API_KEY_PATTERN,
      description: `The secret (\`${API_KEY_PREFIX}…\`, or \`${SANDBOX_API_KEY_PREFIX}…\` for a sandbox key), shown only in this response: send it as \`Authorization: Bearer <key>\``,
    }),
  },
  { additionalProperties: false },
);

export const ApiKeyPage = Page(ApiKey);

export const ApiKeyListQuery = Type.Object(
  {
    partner_id: Type.Optional(Uuid),
    ...PageQuery,
  },
  { additionalProperties: false },
);
