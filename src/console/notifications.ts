import type { Api, PageBody } from './api';
import { button, formatTime, h, replaceChildren } from './dom';
import { NotificationStream } from './live';
import type { ConsoleNotification } from './model';
import { describe } from './problem';

const SHOWN = 20;

/**
 * The bell: the unread count, the latest notifications and the live stream behind them. Items are
 * kept by id, so one that arrives both by the stream and by a list read is shown once.
 */
export class NotificationCentre {
  readonly toggle: HTMLButtonElement;
  readonly panel: HTMLElement;
  readonly status: HTMLElement;
  private readonly badge = h('span', { class: 'badge' }, '0');
  private readonly list = h('ul', { class: 'notification-list' });
  private readonly items = new Map<string, ConsoleNotification>();
  private readonly unread = new Set<string>();
  private readonly stream: NotificationStream;

  constructor(
    private readonly api: Api,
    /** A delivery changed (or, with null, anything may have): views re-read what they show. */
    private readonly changed: (deliveryId: string | null) => void,
    private readonly announce: (message: string) => void,
  ) {
    this.toggle = h(
      'button',
      { type: 'button', class: 'bell', 'aria-expanded': 'false', 'aria-controls': 'notifications' },
      'Notifications ',
      this.badge,
    );
    this.toggle.addEventListener('click', () => this.show(this.panel.hidden));
    this.status = h('span', { class: 'live-status', role: 'status' }, 'Connecting…');
    this.panel = h(
      'section',
      { id: 'notifications', class: 'panel', hidden: true, 'aria-label': 'Notifications' },
      h(
        'div',
        { class: 'panel-head' },
        h('h2', {}, 'Notifications'),
        button('Mark all as read', () => void this.markAllRead()),
      ),
      this.list,
    );
    this.stream = new NotificationStream(api, {
      notification: (item) => {
        if (this.add(item)) this.announce(`${item.title}: ${item.message}`);
        this.render();
        this.changed(item.delivery_id);
      },
      resync: () => void this.load().then(() => this.changed(null)),
      connected: (open) => {
        this.status.textContent = open ? 'Live' : 'Reconnecting…';
        this.status.dataset['state'] = open ? 'live' : 'down';
      },
    });
  }

  start(): void {
    this.stream.start();
  }

  stop(): void {
    this.stream.stop();
  }

  show(open: boolean): void {
    this.panel.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
  }

  /** The latest page and every unread id (the count must cover more than one page). */
  private async load(): Promise<void> {
    try {
      const [latest, unread] = await Promise.all([
        this.api.get<PageBody<ConsoleNotification>>('/notifications', { limit: String(SHOWN) }),
        this.api.all<ConsoleNotification>('/notifications', { unread: 'true' }),
      ]);
      for (const item of [...latest.data, ...unread]) this.add(item);
      this.render();
    } catch (error) {
      this.announce(describe(error));
    }
  }

  /** True when the item is new to this page. */
  private add(item: ConsoleNotification): boolean {
    const known = this.items.has(item.id);
    this.items.set(item.id, item);
    if (item.read_at === null) this.unread.add(item.id);
    else this.unread.delete(item.id);
    return !known;
  }

  private async markRead(item: ConsoleNotification): Promise<void> {
    try {
      await this.api.post(`/notifications/${item.id}/read`);
      this.add({ ...item, read_at: new Date().toISOString() });
      this.render();
    } catch (error) {
      this.announce(describe(error));
    }
  }

  private async markAllRead(): Promise<void> {
    try {
      await this.api.post('/notifications/read-all');
      const now = new Date().toISOString();
      for (const item of this.items.values())
        if (!item.read_at) this.add({ ...item, read_at: now });
      this.unread.clear();
      this.render();
    } catch (error) {
      this.announce(describe(error));
    }
  }

  private render(): void {
    const count = this.unread.size;
    this.badge.textContent = String(count);
    this.badge.setAttribute('aria-label', `${count} unread`);
    this.badge.dataset['count'] = String(count);
    const newest = [...this.items.values()]
      .sort((a, b) => b.created_at.localeCompare(a.created_at))
      .slice(0, SHOWN);
    replaceChildren(
      this.list,
      newest.length === 0 && h('li', { class: 'empty' }, 'Nothing yet.'),
      ...newest.map((item) => this.renderItem(item)),
    );
  }

  private renderItem(item: ConsoleNotification): HTMLLIElement {
    return h(
      'li',
      { class: item.read_at ? 'notification read' : 'notification unread' },
      h('strong', {}, item.title),
      h('p', {}, item.message),
      h('time', { datetime: item.created_at }, formatTime(item.created_at)),
      item.delivery_id && h('a', { href: `#/deliveries/${item.delivery_id}` }, 'Open delivery'),
      !item.read_at &&
        button('Mark as read', () => void this.markRead(item), {
          // Begins with the visible words, so speech users can say what they see (WCAG 2.5.3).
          'aria-label': `Mark as read: ${item.title}`,
        }),
    );
  }
}
