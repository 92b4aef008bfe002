import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import sharp from 'sharp';
import request from 'supertest';
import { MAX_ATTACHMENT_BYTES } from '../../src/attachments/image';
import { closeServer, listen } from '../../src/api/listen';
import { expectDocumented } from '../support/openapi-contract';
import { exifIfd0Tags, GPS_IFD_TAG } from '../support/exif-tags';
import { RawConnection } from '../support/raw-http';
import { stack } from '../support/stack';
import { deliveryBody, deliveryThrough } from '../support/deliveries';
import { bearer, createUserWithToken } from '../support/users';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const api = () => request(stack().app.callback());

const GPS_EXIF = {
  IFD0: { Make: 'Courier phone', Software: 'camera 1.0' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 31/1 12/1', GPSLongitudeRef: 'E' },
};

/** A small photo of a front door, as a phone would send it: with its GPS position in EXIF. */
const doorPhoto = () =>
  sharp({ create: { width: 48, height: 32, channels: 3, background: '#2a6' } })
    .jpeg()
    .withExif(GPS_EXIF)
    .toBuffer();

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const upload = (id: string, token: string, bytes: Buffer, type = 'image/jpeg') =>
  api()
    .post(`/api/v1/deliveries/${id}/attachments`)
    .set(bearer(token))
    .set('Content-Type', type)
    .send(bytes);

const download = (path: string, token: string) => api().get(path).set(bearer(token));

/** The URL's path: the API answers PUBLIC_URL links, the tests call the app in process. */
const pathOf = (url: string) => new URL(url).pathname;

function expectProblem(res: request.Response, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
  expect(res.body.type).to.equal(`https://delivery-aggregator.dev/problems/${code}`);
}

const fields = (res: request.Response) =>
  (res.body.errors as { field: string }[] | undefined)?.map((e) => e.field);

const storedRows = (deliveryId: string) =>
  stack().db('delivery_attachments').where({ delivery_id: deliveryId });

describe('proof-of-delivery photos API', () => {
  let doc: Json;
  before(async () => {
    doc = (await api().get('/api/v1/openapi.json')).body;
  });

  it('when the assigned admin uploads a JPEG carrying its GPS position, then 201 names the photo and the stored image has no EXIF', async () => {
    const { id, admin, partner } = await deliveryThrough('IN_TRANSIT');
    const photo = await doorPhoto();
    expect(exifIfd0Tags((await sharp(photo).metadata()).exif!)).to.include(GPS_IFD_TAG);

    const res = await upload(id, admin.token, photo);

    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expectDocumented(doc, '/api/v1/deliveries/{id}/attachments', 'post', res);
    expect(Object.keys(res.body).sort()).to.deep.equal(
      ['bytes', 'content_type', 'created_at', 'id', 'sha256', 'url'].sort(),
    );
    const path = `/api/v1/deliveries/${id}/attachments/${res.body.id}`;
    expect(res.headers['location']).to.equal(path);
    expect(res.body.url).to.equal(`${stack().config.PUBLIC_URL}${path}`);
    expect(res.body.content_type).to.equal('image/jpeg');
    const [row] = await storedRows(id);
    expect(row).to.include({
      id: res.body.id,
      uploaded_by: admin.user.id,
      content_type: 'image/jpeg',
      bytes: res.body.bytes,
      sha256: res.body.sha256,
      storage_key: `deliveries/${id}/${res.body.id}`,
    });

    const image = await download(path, partner.token);
    expect(image.status).to.equal(200);
    expect(image.headers).to.include({
      'content-type': 'image/jpeg',
      'content-length': String(res.body.bytes),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-disposition': `inline; filename="${res.body.id}.jpg"`,
    });
    const bytes = image.body as Buffer;
    expect(bytes.length).to.equal(res.body.bytes);
    expect(sha256(bytes)).to.equal(res.body.sha256);
    expect(sha256(bytes)).to.not.equal(sha256(photo));
    const meta = await sharp(bytes).metadata();
    expect(meta.format).to.equal('jpeg');
    expect(meta.exif, 'EXIF').to.equal(undefined);
    expect([meta.width, meta.height]).to.deep.equal([48, 32]);
    expect(bytes.includes('Courier phone')).to.equal(false);
  });

  it('when the body is declared a type other than JPEG, PNG or WebP, then 415 and nothing is stored', async () => {
    const { id, admin } = await deliveryThrough('IN_TRANSIT');
    for (const type of ['image/gif', 'text/plain', 'application/json']) {
      const res = await upload(id, admin.token, await doorPhoto(), type);
      expectProblem(res, 415, 'unsupported-media-type');
      expect(res.body.detail).to.include('image/jpeg, image/png, image/webp');
    }
    const missing = await api()
      .post(`/api/v1/deliveries/${id}/attachments`)
      .set(bearer(admin.token))
      .send(await doorPhoto());
    expectProblem(missing, 415, 'unsupported-media-type');
    expect(await storedRows(id)).to.have.length(0);
  });

  it('when the bytes are not the declared format, then 422 naming body and nothing is stored', async () => {
    const { id, admin } = await deliveryThrough('IN_TRANSIT');
    const png = await sharp({
      create: { width: 8, height: 8, channels: 3, background: '#000' },
    })
      .png()
      .toBuffer();
    const cases: [Buffer, string][] = [
      [png, 'image/jpeg'],
      [Buffer.from('not an image at all'), 'image/png'],
      [Buffer.alloc(0), 'image/webp'],
    ];
    for (const [bytes, type] of cases) {
      const res = await upload(id, admin.token, bytes, type);
      expectProblem(res, 422, 'unprocessable');
      expect(fields(res)).to.deep.equal(['body']);
    }
    expect(await storedRows(id)).to.have.length(0);
  });

  it('when the body is over 5 MiB, then 413, whether its length is declared or it streams in chunks', async () => {
    const { id, admin } = await deliveryThrough('IN_TRANSIT');
    const declared = await upload(
      id,
      admin.token,
      randomBytes(MAX_ATTACHMENT_BYTES + 1),
      'image/jpeg',
    );
    expectProblem(declared, 413, 'payload-too-large');
    expect(declared.body.detail).to.equal('The request body exceeds 5 MiB.');

    const server: Server = await listen(stack().app, 0, '127.0.0.1');
    const connection = await RawConnection.open((server.address() as { port: number }).port);
    try {
      connection.write(
        `POST /api/v1/deliveries/${id}/attachments HTTP/1.1\r\nHost: test\r\n` +
          `Authorization: Bearer ${admin.token}\r\nContent-Type: image/jpeg\r\n` +
          'Transfer-Encoding: chunked\r\n\r\n',
      );
      const chunk = randomBytes(512 * 1024);
      for (let i = 0; i < 12; i++) {
        connection.write(`${chunk.length.toString(16)}\r\n`);
        connection.write(chunk);
        connection.write('\r\n');
      }
      connection.write('0\r\n\r\n');
      const refused = await connection.response();
      expect(refused.status).to.equal(413);
      expect(JSON.parse(refused.body)).to.include({ status: 413 });
    } finally {
      connection.close();
      await closeServer(server);
    }
    expect(await storedRows(id)).to.have.length(0);
  });

  it('when someone other than the assignee asks, then another admin gets 404, a partner 403, and only those who see the delivery may read the photo', async () => {
    const { id, admin, partner, boss } = await deliveryThrough('IN_TRANSIT');
    const stranger = await createUserWithToken({ role: 'admin' });
    const otherPartner = await createUserWithToken({ role: 'partner' });
    const photo = await doorPhoto();

    expectProblem(await upload(id, stranger.token, photo), 404, 'not-found');
    expectProblem(await upload(id, partner.token, photo), 403, 'forbidden');
    expect(await storedRows(id)).to.have.length(0);

    const uploaded = await upload(id, admin.token, photo);
    expect(uploaded.status).to.equal(201);
    const path = pathOf(uploaded.body.url);
    for (const reader of [partner, admin, boss]) {
      expect((await download(path, reader.token)).status).to.equal(200);
    }
    for (const outsider of [stranger, otherPartner]) {
      const res = await download(path, outsider.token);
      expectProblem(res, 404, 'not-found');
      expect(res.headers['content-type']).to.not.match(/^image\//);
    }

    // The photo's id under another delivery, even one the caller sees, is not found.
    const other = await deliveryThrough('IN_TRANSIT');
    const elsewhere = `/api/v1/deliveries/${other.id}/attachments/${uploaded.body.id}`;
    expectProblem(await download(elsewhere, boss.token), 404, 'not-found');
    expectProblem(await download(elsewhere, other.partner.token), 404, 'not-found');
  });

  it('when the delivery is not ASSIGNED or IN_TRANSIT, then 409 with its status; a super admin may add photos to an open one', async () => {
    const created = await deliveryThrough('CREATED');
    const photo = await doorPhoto();
    const early = await upload(created.id, created.boss.token, photo);
    expectProblem(early, 409, 'conflict');
    expect(early.body.current_status).to.equal('CREATED');

    const assigned = await deliveryThrough('ASSIGNED');
    expect((await upload(assigned.id, assigned.admin.token, photo)).status).to.equal(201);
    const byBoss = await upload(assigned.id, assigned.boss.token, photo);
    expect(byBoss.status).to.equal(201);
    expect((await storedRows(assigned.id)).map((r: Json) => r['uploaded_by'])).to.have.members([
      assigned.admin.user.id,
      assigned.boss.user.id,
    ]);
  });

  describe('COMPLETED with a proof, FAILED with a reason', () => {
    const setStatus = (id: string, token: string, body: Json) =>
      api().post(`/api/v1/deliveries/${id}/status`).set(bearer(token)).send(body);

    it('when COMPLETED names the uploaded photos, then 200 and the proof links download the stripped images', async () => {
      const { id, admin, partner } = await deliveryThrough(
        'IN_TRANSIT',
        deliveryBody({ proof_required: true }),
      );
      const first = await upload(id, admin.token, await doorPhoto());
      const second = await upload(
        id,
        admin.token,
        await sharp({ create: { width: 10, height: 10, channels: 3, background: '#fff' } })
          .png()
          .toBuffer(),
        'image/png',
      );
      expect([first.status, second.status]).to.deep.equal([201, 201]);

      const done = await setStatus(id, admin.token, {
        status: 'COMPLETED',
        proof: {
          received_by: 'Rita at the door',
          note: 'Left with the neighbour',
          attachment_ids: [second.body.id, first.body.id],
        },
      });

      expect(done.status, JSON.stringify(done.body)).to.equal(200);
      expectDocumented(doc, '/api/v1/deliveries/{id}/status', 'post', done);
      expect(done.body.proof).to.deep.equal({
        received_by: 'Rita at the door',
        note: 'Left with the neighbour',
        attachments: [second.body, first.body],
      });
      const detail = await api().get(`/api/v1/deliveries/${id}`).set(bearer(partner.token));
      const attachments = detail.body.proof.attachments as Json[];
      expect(attachments.map((a) => a['id'])).to.deep.equal([second.body.id, first.body.id]);
      for (const attachment of attachments) {
        const image = await download(pathOf(attachment['url']), partner.token);
        expect(image.status).to.equal(200);
        expect(image.headers['content-type']).to.equal(attachment['content_type']);
        expect(sha256(image.body as Buffer)).to.equal(attachment['sha256']);
        expect((await sharp(image.body as Buffer).metadata()).exif).to.equal(undefined);
      }
    });

    it('when a proof_required delivery is COMPLETED without a proof, then 422 naming proof', async () => {
      const { id, admin } = await deliveryThrough(
        'IN_TRANSIT',
        deliveryBody({ proof_required: true }),
      );
      const bare = await setStatus(id, admin.token, { status: 'COMPLETED' });
      expectProblem(bare, 422, 'unprocessable');
      expect(fields(bare)).to.deep.equal(['proof']);
      const photoless = await setStatus(id, admin.token, {
        status: 'COMPLETED',
        proof: { received_by: 'Rita', attachment_ids: [] },
      });
      expectProblem(photoless, 422, 'unprocessable');
      expect(fields(photoless)).to.deep.equal(['proof']);
      const row = await stack().db('deliveries').where({ id }).first();
      expect(row.status).to.equal('IN_TRANSIT');
    });

    it("when a proof names another delivery's photo, then 422 and the delivery stays IN_TRANSIT", async () => {
      const mine = await deliveryThrough('IN_TRANSIT');
      const theirs = await deliveryThrough('IN_TRANSIT');
      const foreign = await upload(theirs.id, theirs.admin.token, await doorPhoto());
      expect(foreign.status).to.equal(201);

      const res = await setStatus(mine.id, mine.boss.token, {
        status: 'COMPLETED',
        proof: { received_by: 'Rita', attachment_ids: [foreign.body.id] },
      });

      expectProblem(res, 422, 'unprocessable');
      expect(fields(res)).to.deep.equal(['proof.attachment_ids']);
      const row = await stack().db('deliveries').where({ id: mine.id }).first();
      expect(row.status).to.equal('IN_TRANSIT');
    });

    it('when FAILED lacks a failure_reason, names an unknown one, or is other without a reason, then 400 naming the field', async () => {
      const { id, admin } = await deliveryThrough('IN_TRANSIT');
      const missing = await setStatus(id, admin.token, { status: 'FAILED', reason: 'No one in' });
      expectProblem(missing, 400, 'validation');
      expect(fields(missing)).to.deep.equal(['failure_reason']);

      const unknown = await setStatus(id, admin.token, {
        status: 'FAILED',
        failure_reason: 'dog_in_garden',
      });
      expectProblem(unknown, 400, 'validation');
      expect(fields(unknown)).to.deep.equal(['failure_reason']);

      const other = await setStatus(id, admin.token, { status: 'FAILED', failure_reason: 'other' });
      expectProblem(other, 400, 'validation');
      expect(fields(other)).to.deep.equal(['reason']);
      expect((await stack().db('deliveries').where({ id }).first()).status).to.equal('IN_TRANSIT');

      const failed = await setStatus(id, admin.token, {
        status: 'FAILED',
        failure_reason: 'recipient_unavailable',
      });
      expect(failed.status).to.equal(200);
      expect(failed.body).to.include({ status: 'FAILED', failure_reason: 'recipient_unavailable' });
    });
  });
});
