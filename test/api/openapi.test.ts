import { expect } from 'chai';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { apiRoutes } from '../../src/api/app';
import { fullPath } from '../../src/api/router';
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

  function responseSchema(path: string, method: string, status: number): Json {
    const response = doc['paths'][path][method]['responses'][String(status)];
    const content = response.content as Json;
    const [media] = Object.values(content) as Json[];
    return media?.['schema'] as Json;
  }

  function expectMatches(schema: Json, body: unknown) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(body), JSON.stringify(validate.errors)).to.equal(true);
  }

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
      if (route.body) {
        expect(operation?.['requestBody']['content']['application/json']['schema'], label).to.be.an(
          'object',
        );
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
    expectMatches(responseSchema('/api/v1/users', 'get', 400), badQuery.body);
    for (const route of apiRoutes(stack().deps)) {
      const validates = route.params ?? route.query ?? route.body ?? route.headers;
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
    expectMatches(responseSchema('/api/v1/auth/login', 'post', 200), login.body);

    const token = login.body.access_token as string;
    const list = await api().get('/api/v1/users').query({ limit: 2 }).set(bearer(token));
    expect(list.status).to.equal(200);
    expectMatches(responseSchema('/api/v1/users', 'get', 200), list.body);

    const me = await api().get('/api/v1/users/me').set(bearer(token));
    expectMatches(responseSchema('/api/v1/users/me', 'get', 200), me.body);

    const created = await api()
      .post('/api/v1/users')
      .set(bearer(token))
      .send({ email: 'not-an-email', password: 'x' });
    expect(created.status).to.equal(400);
    expectMatches(responseSchema('/api/v1/users', 'post', 400), created.body);

    const partner = await createUserWithToken({ role: 'partner' });
    const forbidden = await api().get('/api/v1/users').set(bearer(partner.token));
    expect(forbidden.status).to.equal(403);
    expectMatches(responseSchema('/api/v1/users', 'get', 403), forbidden.body);
  });
});

describe('Swagger UI', () => {
  it('when /api/v1/docs is opened, then the page loads its assets from this server', async () => {
    const page = await api().get('/api/v1/docs');
    expect(page.status).to.equal(200);
    expect(page.headers['content-type']).to.match(/^text\/html/);
    expect(page.text).to.include('/api/v1/openapi.json');
    expect(page.text).to.not.match(/https?:\/\/(?!localhost)[^'"]*\.js/);
    const script = /src="([^"]*swagger-ui-bundle\.js)"/.exec(page.text)?.[1];
    expect(script).to.equal('/api/v1/docs/swagger-ui-bundle.js');
    const asset = await api().get(script as string);
    expect(asset.status).to.equal(200);
    expect(asset.headers['content-type']).to.match(/javascript/);
    expect(asset.text.length).to.be.greaterThan(100_000);
  });
});
