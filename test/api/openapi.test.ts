import { expect } from 'chai';
import { EXPORT_COLUMNS } from '../../src/deliveries/delivery-export';
import request from 'supertest';
import { apiRoutes } from '../../src/api/app';
import { fullPath } from '../../src/api/router';
import { binaryContent } from '../../src/schemas/binary';
import { documentedSchema, expectValidBy, isValidBy } from '../support/openapi-contract';
import { stack } from '../support/stack';
import { bearer, createUser, createUserWithToken } from '../support/users';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const api = () => request(stack().app.callback());

describe('OpenAPI document', () => {
  let doc: Json;

  before(async () => {
    const res = await api().get('/api/v1/openapi.json');
    expect(res.status).to.equal(200);
    doc = res.body;
  });

  const responseSchema = (path: string, method: string, status: number) =>
    documentedSchema(doc, path, method, status);

  it('when read, then it lists every registered route with its security and schemas', () => {
    expect(doc['openapi']).to.equal('3.1.0');
    expect(doc['components']['securitySchemes']['bearerAuth']).to.deep.include({
      type: 'http',
      scheme: 'bearer',
    });
    const operationIds = new Set<string>();
    for (const route of apiRoutes(stack().deps)) {
      const label = `${route.method} ${fullPath(route)}`;
      const operation = doc['paths'][fullPath(route)]?.[route.method] as Json | undefined;
      expect(operation, label).to.be.an('object');
      operationIds.add(operation?.['operationId']);
      const isPublic = 'public' in route.access;
      if (isPublic) expect(operation?.['security'], label).to.deep.equal([]);
      else expect(operation?.['security'], label).to.deep.include({ bearerAuth: [] });
      if (!isPublic) expect(operation?.['responses'], label).to.include.keys('401', '403');
      const binary = binaryContent(route.body);
      const bodyTypes = binary ? binary.mediaTypes : ['application/json'];
      for (const type of route.body ? bodyTypes : []) {
        expect(operation?.['requestBody']['content'][type]['schema'], label).to.be.an('object');
      }
      for (const [status, spec] of Object.entries(route.responses)) {
        const documented = operation?.['responses'][status] as Json;
        expect(documented, `${label} ${status}`).to.be.an('object');
        if (spec.schema) expect(documented['content'], `${label} ${status}`).to.be.an('object');
      }
    }
    expect(operationIds.size).to.equal(apiRoutes(stack().deps).length);
  });

  it('when a route validates its path, query, headers or body, then its 400 is documented', async () => {
    const { token } = await createUserWithToken({ role: 'super_admin' });
    const badQuery = await api()
      .get('/api/v1/users')
      .query({ cursor: 'garbage' })
      .set(bearer(token));
    expect(badQuery.status).to.equal(400);
    expectValidBy(responseSchema('/api/v1/users', 'get', 400), badQuery.body);
    for (const route of apiRoutes(stack().deps)) {
      // A route that answers refused path parameters itself (a tracking token's 404) has no 400 for them.
      const params = route.invalidParams ? undefined : route.params;
      const validates = params ?? route.query ?? route.body ?? route.headers;
      const label = `${route.method} ${fullPath(route)}`;
      const responses = doc['paths'][fullPath(route)][route.method]['responses'] as Json;
      if (validates) expect(responses, label).to.have.property('400');
      if (route.body) expect(responses, label).to.include.keys('413', '415');
    }
  });

  it('when real responses come back, then they match the documented schemas', async () => {
    const { user, password } = await createUser({ role: 'super_admin' });
    const login = await api()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '10.250.0.1')
      .send({ email: user.email, password });
    expect(login.status).to.equal(200);
    expectValidBy(responseSchema('/api/v1/auth/login', 'post', 200), login.body);

    const token = login.body.access_token as string;
    const list = await api().get('/api/v1/users').query({ limit: 2 }).set(bearer(token));
    expect(list.status).to.equal(200);
    expectValidBy(responseSchema('/api/v1/users', 'get', 200), list.body);

    const me = await api().get('/api/v1/users/me').set(bearer(token));
    expectValidBy(responseSchema('/api/v1/users/me', 'get', 200), me.body);

    const created = await api()
      .post('/api/v1/users')
      .set(bearer(token))
      .send({ email: 'not-an-email', password: 'x' });
    expect(created.status).to.equal(400);
    expectValidBy(responseSchema('/api/v1/users', 'post', 400), created.body);

    const partner = await createUserWithToken({ role: 'partner' });
    const forbidden = await api().get('/api/v1/users').set(bearer(partner.token));
    expect(forbidden.status).to.equal(403);
    expectValidBy(responseSchema('/api/v1/users', 'get', 403), forbidden.body);
  });

  const operations = () =>
    apiRoutes(stack().deps).map((route) => ({
      route,
      label: `${route.method} ${fullPath(route)}`,
      operation: doc['paths'][fullPath(route)][route.method] as Json,
    }));

  it('when an operation is read, then its description names the roles that may call it', () => {
    for (const { route, label, operation } of operations()) {
      const roles = 'public' in route.access ? ['anyone'] : route.access.roles;
      expect(operation['description'], label).to.match(/^\*\*Roles:\*\* /);
      for (const role of roles) expect(operation['description'], label).to.include(role);
    }
  });

  it('when a partner reads the integration operations (keys, batches, the webhook log, the export), then each shows a curl command whose body is JSON', () => {
    const integration =
      /^(post|get|delete) \/api\/v1\/(api-keys|deliveries\/batches|deliveries\/export|webhooks\/)/;
    const shown = operations().filter(({ label }) => integration.test(label));
    expect(shown.map(({ label }) => label)).to.include.members([
      'post /api/v1/api-keys',
      'post /api/v1/deliveries/batches',
      'get /api/v1/deliveries/batches',
      'get /api/v1/deliveries/export',
      'get /api/v1/webhooks/attempts',
      'post /api/v1/webhooks/attempts/{id}/replay',
      'post /api/v1/webhooks/endpoint/enable',
    ]);
    for (const { label, operation } of shown) {
      const source = operation['x-codeSamples']?.[0]?.source as string | undefined;
      expect(source, label).to.match(/^curl /);
      expect(operation['description'], label).to.include(`\`\`\`sh\n${source}\n\`\`\``);
      const body = /-d '([^']*)'/.exec(source!)?.[1];
      if (body !== undefined) expect(() => JSON.parse(body), label).to.not.throw();
    }
  });

  it('when the export is read, then its example is the export’s own header row and one delivery', () => {
    const content = doc['paths']['/api/v1/deliveries/export']['get']['responses']['200']['content'];
    const [header, row, end] = (content['text/csv']['example'] as string).split('\r\n');
    expect(header).to.equal(EXPORT_COLUMNS.join(','));
    expect(row).to.match(
      /^3f2b8c1e-[^,]+,COMPLETED,Espresso machine,"12 Rue de la Paix, 75002 Paris",/,
    );
    expect(end).to.equal('');
  });

  it('when a route takes a body, then its example is valid by its schema and its dates are in the future', () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const { route, label, operation } of operations()) {
      // A binary body has no example: Swagger UI offers a file picker instead.
      if (!route.body || binaryContent(route.body)) continue;
      const media = operation['requestBody']['content']['application/json'] as Json;
      expect(media['example'], label).to.not.equal(undefined);
      expectValidBy(media['schema'], media['example']);
      for (const [field, value] of Object.entries(media['example'] as Json)) {
        if (/date|_at$/.test(field)) {
          expect(String(value) > today, `${label} ${field} ${String(value)}`).to.equal(true);
        }
      }
    }
  });

  it('when a problem response is read, then its example is a real problem of that status', () => {
    for (const { label, operation } of operations()) {
      for (const [status, response] of Object.entries(operation['responses'] as Json)) {
        if (Number(status) < 400) continue;
        const media = (response as Json)['content']['application/problem+json'] as Json;
        const where = `${label} ${status}`;
        expect(media['example'], where).to.include({ status: Number(status) });
        expect(media['example']['type'], where).to.match(/^https:\/\/.*\/problems\/[a-z-]+$/);
        expectValidBy(media['schema'], media['example']);
      }
    }
    const conflict = responseSchema('/api/v1/deliveries/{id}/status', 'post', 409);
    expect(conflict['required']).to.include.members(['allowed', 'current_status']);
  });

  it('when an input string holds a NUL or an Idempotency-Key has surrounding spaces, then the document refuses it as the server does', () => {
    const create = doc['paths']['/api/v1/deliveries']['post'] as Json;
    const body = create['requestBody']['content']['application/json']['schema'] as Json;
    expect(isValidBy(body['properties']['notes'], 'ring\u0000twice')).to.equal(false);
    expect(isValidBy(body['properties']['notes'], 'ring twice')).to.equal(true);
    const key = (create['parameters'] as Json[]).find((p) => p['name'] === 'Idempotency-Key');
    expect(isValidBy(key?.['schema'], 'order 42')).to.equal(true);
    expect(isValidBy(key?.['schema'], ' order-42')).to.equal(false);
  });

  it('when a route takes or answers an image, then the document describes binary content of each image type', () => {
    const images = ['image/jpeg', 'image/png', 'image/webp'];
    const binary = { type: 'string', format: 'binary' };
    const upload = doc['paths']['/api/v1/deliveries/{id}/attachments']['post'] as Json;
    expect(upload['requestBody']['required']).to.equal(true);
    expect(Object.keys(upload['requestBody']['content'])).to.deep.equal(images);
    for (const type of images) {
      expect(upload['requestBody']['content'][type]['schema']).to.deep.include(binary);
    }
    expect(upload['responses']['413']['content']['application/problem+json']['example']).to.include(
      { status: 413 },
    );
    expect(upload['responses']['201']['content']).to.have.keys('application/json');
    const read = doc['paths']['/api/v1/deliveries/{id}/attachments/{attachment_id}']['get'] as Json;
    expect(Object.keys(read['responses']['200']['content'])).to.deep.equal(images);
    for (const type of images) {
      expect(read['responses']['200']['content'][type]['schema']).to.deep.include(binary);
    }
  });

  it('when the Authorize dialog lists the schemes, then each says where its token comes from', () => {
    const schemes = doc['components']['securitySchemes'] as Json;
    expect(schemes['bearerAuth']['description']).to.include('POST /api/v1/auth/login');
    expect(schemes['apiKey']['description']).to.include('POST /api/v1/api-keys');
    expect(schemes['ticketQuery']['description']).to.include('/notifications/stream-ticket');
  });
});

describe('Swagger UI', () => {
  it('when /api/v1/docs is opened, then the page loads its assets from this server', async () => {
    const page = await api().get('/api/v1/docs');
    expect(page.status).to.equal(200);
    expect(page.headers['content-type']).to.match(/^text\/html/);
    expect(page.text).to.include('/api/v1/openapi.json');
    // Try it out sends the stored token: another site must not frame the page and click it.
    expect(page.headers['content-security-policy']).to.equal("frame-ancestors 'none'");
    expect(page.headers).to.include({
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    });
    expect(page.text).to.not.match(/https?:\/\/(?!localhost)[^'"]*\.js/);
    const script = /src="([^"]*swagger-ui-bundle\.js)"/.exec(page.text)?.[1];
    expect(script).to.equal('/api/v1/docs/swagger-ui-bundle.js');
    const asset = await api().get(script as string);
    expect(asset.status).to.equal(200);
    expect(asset.headers['content-type']).to.match(/javascript/);
    expect(asset.text.length).to.be.greaterThan(100_000);
  });

  it('when a browser asks for /favicon.ico, then it gets an icon, not a 404', async () => {
    const icon = await api().get('/favicon.ico');
    expect(icon.status).to.equal(200);
    expect(icon.headers['content-type']).to.equal('image/png');
  });
});
