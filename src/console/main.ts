import './console.css';
import type { Role } from '../domain/roles';
import { loadAdminChoices } from './admins';
import { Api } from './api';
import { apiKeysView } from './api-keys';
import { batchesView } from './batches';
import { deliveryDetail, deliveryList } from './deliveries';
import { dispatchView, offersView } from './dispatch';
import { button, field, h, input, replaceChildren } from './dom';
import { ROLE_LABELS, personName, type AdminChoice, type ConsoleContext, type View } from './model';
import { NotificationCentre } from './notifications';
import { overviewView } from './overview';
import { createDeliveryForm } from './partner';
import { apiForm, submitButton } from './forms';
import { Session, type ConsoleUser } from './session';
import { usersView } from './users';
import { webhookLogView } from './webhook-log';

const root = document.getElementById('app') as HTMLElement;
const session = new Session((message) => showSignIn(message));
const api = new Api(session);
let signedIn: { centre: NotificationCentre; dispose: () => void } | null = null;

function showSignIn(message = ''): void {
  signedIn?.dispose();
  signedIn = null;
  const email = field('Email', input('email', { type: 'email', autocomplete: 'username' }));
  const password = field(
    'Password',
    input('password', { type: 'password', autocomplete: 'current-password' }),
  );
  const form = apiForm({
    label: 'Sign in',
    class: 'sign-in',
    children: [
      h('h1', {}, 'Delivery console'),
      message && h('p', { class: 'notice', role: 'alert' }, message),
      email.wrapper,
      password.wrapper,
      submitButton('Sign in'),
    ],
    // Signed in, the focus moves to the page (as a tab change does) or to what the landing page
    // names (the super admin's Find by id: paste an id right away).
    send: () =>
      session
        .signIn(email.control.value, password.control.value)
        .then((user) => showConsole(user, true)),
  });
  replaceChildren(root, h('main', {}, form));
  email.control.focus();
}

interface Tab {
  hash: string;
  label: string;
  view: () => View;
}

/** Each role's pages; a role this console does not know gets none (fail closed). */
function tabsFor(role: Role, context: ConsoleContext): Tab[] {
  switch (role) {
    case 'partner':
      return [
        { hash: '#/', label: 'My deliveries', view: () => partnerHome(context) },
        { hash: '#/batches', label: 'Batches', view: () => batchesView(context) },
        { hash: '#/webhooks', label: 'Webhooks', view: () => webhookLogView(context) },
        { hash: '#/api-keys', label: 'API keys', view: () => apiKeysView(context) },
      ];
    case 'admin':
      return [
        {
          hash: '#/',
          label: 'My assigned deliveries',
          view: () =>
            deliveryList(context, {
              title: 'My assigned deliveries',
              filters: ['status', 'q'],
              actions: ['transition'],
              empty: 'Nothing is assigned to you.',
            }),
        },
        { hash: '#/offers', label: 'Offers', view: () => offersView(context) },
      ];
    case 'super_admin':
      return [
        { hash: '#/overview', label: 'Overview', view: () => overviewView(context) },
        {
          hash: '#/',
          label: 'Unassigned queue',
          view: () =>
            deliveryList(context, {
              title: 'Unassigned deliveries, oldest first',
              filters: ['q'],
              fixed: { status: 'CREATED', order: 'oldest' },
              actions: ['assign'],
              empty: 'The queue is empty.',
            }),
        },
        {
          hash: '#/deliveries',
          label: 'All deliveries',
          view: () =>
            deliveryList(context, {
              title: 'All deliveries',
              filters: ['status', 'q', 'assigned_to', 'partner_id', 'date_from', 'date_to'],
              actions: ['assign'],
              empty: 'No delivery matches.',
            }),
        },
        {
          hash: '#/returned',
          label: 'Back for a human',
          view: () =>
            deliveryList(context, {
              title: 'Deliveries auto-dispatch handed back',
              filters: ['q'],
              fixed: { returned_to_queue: 'true' },
              actions: ['assign'],
              empty: 'Every offered delivery found an admin.',
            }),
        },
        {
          hash: '#/attention',
          label: 'Needs attention',
          view: () =>
            deliveryList(context, {
              title: 'Deliveries that need attention',
              filters: ['q'],
              fixed: { needs_attention: 'true' },
              actions: ['assign'],
              empty: 'No operator action in Temporal left a delivery to fix.',
            }),
        },
        { hash: '#/dispatch', label: 'Dispatch', view: () => dispatchView(context) },
        { hash: '#/users', label: 'Users', view: () => usersView(context) },
      ];
    default: {
      const unknown: never = role;
      void unknown;
      return [];
    }
  }
}

/**
 * Where a sign-in without a page in the address lands: the super admin on the Overview (today's
 * counts, the chart, Find by id and the oldest unassigned delivery with its assign form, no click
 * away), everyone else on their first tab.
 */
function landingFor(role: Role): string {
  switch (role) {
    case 'super_admin':
      return '#/overview';
    case 'partner':
    case 'admin':
      return '#/';
    default: {
      const unknown: never = role;
      void unknown;
      return '#/';
    }
  }
}

function partnerHome(context: ConsoleContext): View {
  const list = deliveryList(context, {
    title: 'My deliveries',
    filters: ['status', 'q'],
    actions: [],
    empty: 'No deliveries yet.',
    exportable: true,
  });
  const element = h(
    'div',
    { class: 'columns' },
    createDeliveryForm(context, () => void list.refresh()),
    list.element,
  );
  return { element, refresh: list.refresh };
}

function showConsole(user: ConsoleUser, signingIn = false): void {
  const announcer = h('p', { class: 'announcer', role: 'status', 'aria-live': 'polite' });
  // Notifications arriving have their own region, so they never replace what the user's own
  // action just said ("User … created.") before it was read.
  const news = h('p', { class: 'news', role: 'status', 'aria-live': 'polite' });
  // Shared by the cards one render asks at once, read afresh by the next render.
  let admins: Promise<AdminChoice[]> | null = null;
  const loadAdmins = () => {
    const loading = loadAdminChoices(api);
    admins = loading;
    void loading.finally(() => admins === loading && (admins = null)).catch(() => {});
    return loading;
  };
  const context: ConsoleContext = {
    api,
    user,
    announce: (message) => (announcer.textContent = message),
    admins: () => admins ?? loadAdmins(),
  };
  const main = h('main', { id: 'main', tabindex: '-1' });
  let current: View | null = null;
  const centre = new NotificationCentre(
    api,
    () => void current?.refresh(),
    (message) => (news.textContent = message),
  );
  const tabs = tabsFor(user.role, context);
  const nav = h(
    'nav',
    { 'aria-label': 'Pages' },
    ...tabs.map((tab) => h('a', { href: tab.hash, 'data-tab': tab.hash }, tab.label)),
  );
  const signOut = button('Sign out', () => {
    void session.signOut().then(() => showSignIn('You are signed out.'));
  });
  replaceChildren(
    root,
    // The fragment is the router's, so the skip link moves the focus itself.
    button('Skip to content', () => main.focus(), { class: 'skip' }),
    h(
      'header',
      {},
      h('h1', {}, 'Delivery console'),
      h(
        'span',
        { class: 'who', 'data-role': user.role },
        `${personName(user) || user.email} · ${ROLE_LABELS[user.role]}`,
      ),
      centre.status,
      centre.toggle,
      signOut,
    ),
    nav,
    centre.panel,
    announcer,
    news,
    main,
  );

  const route = (moved: boolean, landing = false) => {
    const hash = location.hash || landingFor(user.role);
    const detail = /^#\/deliveries\/([0-9a-fA-F-]{36})$/.exec(hash);
    const tab = tabs.find((t) => t.hash === hash) ?? tabs[0];
    current?.dispose?.();
    current = detail ? deliveryDetail(context, detail[1] as string) : (tab?.view() ?? null);
    for (const link of nav.querySelectorAll('a')) {
      if (link.dataset['tab'] === (detail ? '' : tab?.hash))
        link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    replaceChildren(main, current?.element ?? h('p', {}, 'This role has no pages in the console.'));
    void current?.refresh();
    // A keyboard or screen-reader user lands on the new page, not on the link they left; what the
    // last page announced ("User … created.") stays with that page.
    if (moved) {
      announcer.textContent = '';
      main.focus();
    }
    if (landing) current?.landingFocus?.();
  };
  const onHashChange = () => route(true);
  window.addEventListener('hashchange', onHashChange);
  centre.start();
  route(signingIn, signingIn);
  signedIn = {
    centre,
    dispose: () => {
      current?.dispose?.();
      centre.stop();
      window.removeEventListener('hashchange', onHashChange);
    },
  };
}

void session.resume().then((user) => (user ? showConsole(user) : showSignIn()));
