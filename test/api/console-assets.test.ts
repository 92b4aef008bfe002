import { expect } from 'chai';
import request from 'supertest';
import { stack } from '../support/stack';

const api = () => request(stack().app.callback());

describe('console static files (/console)', () => {
  it('when /console is opened, then the page loads its script and style from this server under a strict CSP', async () => {
    const page = await api().get('/console');
    expect(page.status).to.equal(200);
    expect(page.headers['content-type']).to.match(/^text\/html/);
    expect(page.headers['cache-control']).to.equal('no-cache');
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).to.include("script-src 'self'").and.include("connect-src 'self'");
    expect(csp).to.not.include('unsafe-inline');
    // Proof photos are shown from object URLs the console made (they need the bearer token).
    expect(csp).to.include("img-src 'self' blob:");
    expect(page.text).to.not.match(/(src|href)="https?:/);

    const script = /<script src="(\/console\/assets\/console-[0-9a-f]{16}\.js)"/.exec(page.text);
    const style =
      /<link rel="stylesheet" href="(\/console\/assets\/console-[0-9a-f]{16}\.css)"/.exec(
        page.text,
      );
    const js = await api().get(script?.[1] as string);
    expect(js.status).to.equal(200);
    expect(js.headers['content-type']).to.match(/^application\/javascript/);
    expect(js.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    // Small enough to load at once on a phone: no framework, minified.
    expect(js.text.length).to.be.within(1_000, 100_000);
    const css = await api().get(style?.[1] as string);
    expect(css.status).to.equal(200);
    expect(css.headers['content-type']).to.match(/^text\/css/);
  });

  it('when an asset name is not the current build, then it is a problem+json 404', async () => {
    const res = await api().get('/console/assets/console-0000000000000000.js');
    expect(res.status).to.equal(404);
    expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
  });

  it('when /console/ is asked for, then it redirects permanently to /console', async () => {
    const res = await api().get('/console/');
    expect(res.status).to.equal(308);
    expect(res.headers['location']).to.equal('/console');
  });
});
