import { expect } from 'chai';
import {
  isForbiddenAddress,
  resolveWebhookTarget,
  WebhookTargetError,
} from '../../src/notifications/webhook-target';

const FORBIDDEN = [
  '127.0.0.1',
  '127.255.0.9',
  '10.1.2.3',
  '172.16.0.1',
  '172.31.255.255',
  '192.168.1.1',
  '169.254.169.254',
  '100.64.0.1',
  '0.0.0.0',
  '224.0.0.1',
  '255.255.255.255',
  '::',
  '::1',
  'fe80::1',
  'fd00::1',
  'fc12:3456::1',
  'ff02::1',
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '::ffff:10.0.0.1',
  '::ffff:169.254.169.254',
  '64:ff9b::a00:1',
];
const PUBLIC = ['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111'];

async function refusal(url: string): Promise<WebhookTargetError> {
  try {
    await resolveWebhookTarget(url, false);
  } catch (error) {
    if (error instanceof WebhookTargetError) return error;
    throw error;
  }
  throw new Error(`${url} was accepted`);
}

describe('webhook target guard (SSRF)', () => {
  for (const address of FORBIDDEN) {
    it(`when an address is ${address}, then it is forbidden`, () => {
      expect(isForbiddenAddress(address)).to.equal(true);
    });
  }
  for (const address of PUBLIC) {
    it(`when an address is ${address}, then it is allowed`, () => {
      expect(isForbiddenAddress(address)).to.equal(false);
    });
  }

  for (const url of [
    'http://127.0.0.1:8080/hook',
    'http://10.0.0.5/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]:3000/hook',
    'http://localhost:3000/hook',
    'https://[::ffff:127.0.0.1]/hook',
  ]) {
    it(`when private targets are not allowed and the URL is ${url}, then it is refused`, async () => {
      expect((await refusal(url)).message).to.match(/non-public address/);
    });
  }

  it('when the scheme is not http or https, then it is refused whatever the flag', async () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'gopher://example.com']) {
      expect((await refusal(url)).message).to.match(/Only http and https/);
    }
  });

  it('when private targets are allowed, then a loopback URL resolves to its address', async () => {
    const target = await resolveWebhookTarget('http://127.0.0.1:9/hook', true);
    expect(target).to.include({ address: '127.0.0.1', family: 4 });
  });
});
