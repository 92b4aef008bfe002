import { ROLES, type Role } from '../domain/roles';
import type { PageBody } from './api';
import { button, field, h, input, replaceChildren, select } from './dom';
import { ROLE_LABELS, personName, type ConsoleContext, type View } from './model';
import { filteredList } from './filtered-list';
import { newItemForm } from './forms';
import { clearProblems, showProblem } from './problem';
import type { ConsoleUser } from './session';

const roleOptions = ROLES.map((role) => [role, ROLE_LABELS[role]] as const);

function createUserForm(context: ConsoleContext, created: () => void): HTMLFormElement {
  const fields = [
    field('Email', input('email', { type: 'email', autocomplete: 'off' })),
    field(
      'Password',
      input('password', {
        type: 'password',
        autocomplete: 'new-password',
        placeholder: '10 characters or more',
      }),
    ),
    // No default: a role is a deliberate choice, and the API names a missing one.
    field('Role', select('role', [['', 'Choose a role'], ...roleOptions])),
    field('First name', input('first_name')),
    field('Last name', input('last_name')),
  ];
  const form = newItemForm('New user', fields, 'Create user', async () => {
    const body = Object.fromEntries(fields.map(({ control }) => [control.name, control.value]));
    const user = await context.api.post<ConsoleUser>('/users', { body });
    form.reset();
    context.announce(`User ${user.email} created.`);
    created();
  });
  return form;
}

/** One user with their role and active controls; an error stays on the row that caused it. */
function userRow(context: ConsoleContext, user: ConsoleUser, changed: () => void): HTMLLIElement {
  const role = field('Role', select('role', roleOptions));
  role.control.value = user.role;
  const row = h('li', { class: 'card', 'data-user-id': user.id });
  const change = (body: { role?: Role; is_active?: boolean }, done: string) => {
    clearProblems(row);
    context.api.patch<ConsoleUser>(`/users/${user.id}`, body).then(
      () => {
        context.announce(done);
        changed();
      },
      (error: unknown) => showProblem(row, error),
    );
  };
  const name = personName(user);
  replaceChildren(
    row,
    h('h3', {}, name || user.email),
    h('p', {}, user.email),
    h(
      'p',
      { class: 'meta' },
      `${ROLE_LABELS[user.role]} · ${user.is_active ? 'active' : 'deactivated'}`,
    ),
    // The API refuses anyone's change to their own role or active flag: offer none.
    user.id === context.user.id
      ? h(
          'p',
          { class: 'meta' },
          'This is you: another super admin can change your role or deactivate you.',
        )
      : h(
          'div',
          { class: 'action' },
          role.wrapper,
          button(
            'Change role',
            () =>
              change(
                { role: role.control.value as Role },
                `${user.email} is now ${ROLE_LABELS[role.control.value as Role]}.`,
              ),
            { 'aria-label': `Change role of ${user.email}` },
          ),
          user.is_active
            ? button(
                'Deactivate',
                () => change({ is_active: false }, `${user.email} is deactivated.`),
                { class: 'danger', 'aria-label': `Deactivate ${user.email}` },
              )
            : button(
                'Reactivate',
                () => change({ is_active: true }, `${user.email} is active again.`),
                { 'aria-label': `Reactivate ${user.email}` },
              ),
        ),
  );
  return row;
}

/** Super admins: create users, change roles, deactivate. */
export function usersView(context: ConsoleContext): View {
  const { filters, element, refresh } = filteredList<ConsoleUser>({
    label: 'User filters',
    fetch: (query, cursor) =>
      context.api.get<PageBody<ConsoleUser>>('/users', { ...query, cursor }),
    render: (user, changed) => userRow(context, user, changed),
    empty: 'No user matches.',
  });
  filters.append(
    field('Role', select('role', [['', 'Any role'], ...roleOptions])).wrapper,
    field('Search name or email', input('q', { type: 'search' })).wrapper,
    field(
      'Active',
      select('is_active', [
        ['', 'Active or not'],
        ['true', 'Active'],
        ['false', 'Deactivated'],
      ]),
    ).wrapper,
    h('button', { type: 'submit' }, 'Apply filters'),
  );
  return {
    element: h(
      'div',
      { class: 'columns' },
      createUserForm(context, () => void refresh()),
      h('section', { class: 'list' }, h('h2', {}, 'Users'), element),
    ),
    refresh,
  };
}
