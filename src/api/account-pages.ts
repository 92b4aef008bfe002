import { randomBytes } from 'node:crypto';
import type { Middleware } from 'koa';
import { MIN_PASSWORD_LENGTH } from '../domain/password-policy';
import { CONSOLE_PATH } from './console';
import { API_PREFIX } from './router';

interface PageSpec {
  title: string;
  intro: string;
  fields: string;
  button: string;
  api: string;
  /** Trusted HTML shown once the API has accepted the submit. */
  done: string;
}

// A reset form names the account, so a password manager stores the new password under the right
// username; the value comes from the link's fragment (never sent to a server, never logged).
const USERNAME_FIELD =
  '<input id="username" name="username" type="email" autocomplete="username" hidden readonly>';

const PASSWORD_FIELD = (id: string, label: string) =>
  `<label for="${id}">${label}</label>` +
  `<input id="${id}" name="${id}" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" maxlength="256" required>`;

const PAGES: Record<string, PageSpec> = {
  '/account/verify-email': {
    title: 'Confirm your email address',
    intro: 'Press the button to confirm the email address of your account.',
    fields: '',
    button: 'Confirm my email address',
    api: `${API_PREFIX}/auth/verify-email`,
    done: `Your email address is confirmed: you can now request deliveries. <a href="${CONSOLE_PATH}">Sign in to the console</a>.`,
  },
  '/account/reset-password': {
    title: 'Choose a new password',
    intro: `Choose a new password of at least ${MIN_PASSWORD_LENGTH} characters. Every device signed in to your account will be signed out.`,
    fields:
      USERNAME_FIELD +
      PASSWORD_FIELD('password', 'New password') +
      PASSWORD_FIELD('confirm', 'Repeat it'),
    button: 'Set my new password',
    api: `${API_PREFIX}/auth/reset-password`,
    done: `Your password is changed. <a href="${CONSOLE_PATH}">Sign in with it</a> in the console.`,
  },
};

// Runs in the browser. The token is read from the address bar, never written into the HTML,
// and only a deliberate submit spends it: link scanners that GET the page consume nothing.
const SCRIPT = `
(function () {
  var page = JSON.parse(document.getElementById('page').textContent);
  var form = document.getElementById('form');
  var status = document.getElementById('status');
  var done = document.getElementById('done');
  var token = new URLSearchParams(location.search).get('token');
  var username = document.getElementById('username');
  if (username) username.value = new URLSearchParams(location.hash.slice(1)).get('email') || '';
  function show(text, ok) { status.textContent = text; status.className = text ? (ok ? 'ok' : 'error') : ''; }
  if (!token) { form.hidden = true; show('This link is incomplete: open the full link from the email.'); return; }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    // Whatever the last submit said no longer holds.
    show('');
    done.hidden = true;
    var body = { token: token };
    var password = document.getElementById('password');
    if (password) {
      if (password.value !== document.getElementById('confirm').value) return show('The two passwords differ.');
      body.password = password.value;
    }
    form.querySelector('button').disabled = true;
    fetch(page.api, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) {
        if (res.ok) { form.hidden = true; done.hidden = false; return; }
        return res.json().then(function (problem) {
          var field = problem.errors && problem.errors[0];
          show(field ? field.field + ' ' + field.message : problem.detail || 'Something went wrong.');
        });
      })
      .catch(function () { show('The server could not be reached. Try again.'); })
      .finally(function () { form.querySelector('button').disabled = false; });
  });
})();`;

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;color:#222}
label,input,button{display:block;width:100%;margin:.4rem 0;font-size:1rem}input,button{padding:.5rem;box-sizing:border-box}
.ok{color:#176117}.error{color:#a11}[hidden]{display:none}`;

function render(spec: PageSpec, nonce: string): string {
  // `<` is escaped so the JSON cannot close the script element it sits in.
  const data = JSON.stringify({ api: spec.api }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="robots" content="noindex"><title>${spec.title}</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main><h1>${spec.title}</h1><p>${spec.intro}</p>
<form id="form">${spec.fields}<button type="submit">${spec.button}</button></form>
<p id="status" role="status"></p>
<p id="done" class="ok" role="status" hidden>${spec.done}</p></main>
<script type="application/json" id="page">${data}</script>
<script nonce="${nonce}">${SCRIPT}</script></body></html>`;
}

/**
 * The pages the account emails link to, under PUBLIC_URL: a GET only shows a button or a form;
 * the page itself POSTs the token to the API. Not API routes, like Swagger UI.
 */
export function accountPages(): Middleware {
  return async (ctx, next) => {
    const spec = PAGES[ctx.path];
    if (!spec || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const nonce = randomBytes(16).toString('base64');
    ctx.set({
      'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    });
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = render(spec, nonce);
  };
}
