import { expect } from 'chai';
import type { EmailMessage } from '../../src/notifications/email-message';
import { emailsJob } from '../../src/workflows/outbound-jobs';

const email = (to: string, subject: string): EmailMessage => ({
  key: `event-1:${to}:email`,
  to,
  subject,
  textBody: 'text',
  htmlBody: '<p>text</p>',
  tag: 'delivery.assigned',
});

describe('outbound jobs', () => {
  it('when the recipients of one change get different subjects, then the activity summary names each once, not the first for all', () => {
    const job = emailsJob([
      email('admin@example.test', 'Delivery assigned to you'),
      email('previous@example.test', 'Delivery assigned to you'),
      email('partner@example.test', 'Delivery assigned'),
    ]);
    expect(job.summary).to.equal(
      'Email 3 recipients: Delivery assigned to you / Delivery assigned',
    );
  });

  it('when there is one recipient, then the summary is its subject', () => {
    const job = emailsJob([email('partner@example.test', 'Delivery in transit')]);
    expect(job.summary).to.equal('Email 1 recipient: Delivery in transit');
  });
});
