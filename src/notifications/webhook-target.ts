import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Why an outbound URL was refused; the route answers 422, the activity gives up. */
export class WebhookTargetError extends Error {
  override name = 'WebhookTargetError';

  constructor(
    message: string,
    /** The same refusal as a field error says it: "must be an http or https URL". */
    readonly refusal: string,
    /** A DNS failure may heal; a forbidden or malformed target will not. */
    readonly transient = false,
  ) {
    super(message);
  }
}

const UNRESOLVED = 'must name a host that resolves';

export interface ResolvedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

// Everything that is not the public internet: a webhook URL must not reach the platform's own
// network (SSRF), e.g. the cloud metadata service at 169.254.169.254.
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network, unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback, IPv4-compatible
  ['64:ff9b::', 96], // NAT64 can reach private IPv4
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

/** `::ffff:a.b.c.d` in any spelling, as its IPv4 address; null for other IPv6 addresses. */
function mappedIpv4(address: string): string | null {
  const canonical = new URL(`http://[${address}]`).hostname.slice(1, -1);
  const match = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!match) return null;
  const high = parseInt(match[1] as string, 16);
  const low = parseInt(match[2] as string, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return FORBIDDEN.check(address, 'ipv4');
  if (family === 6) {
    const v4 = mappedIpv4(address);
    return v4 ? FORBIDDEN.check(v4, 'ipv4') : FORBIDDEN.check(address, 'ipv6');
  }
  return true;
}

/**
 * Parses and resolves a webhook URL; refuses non-HTTP schemes and, unless private targets are
 * allowed, any host with a non-public address. The caller connects to the returned address so a
 * second DNS answer (rebinding) cannot redirect the request.
 */
export async function resolveWebhookTarget(
  rawUrl: string,
  allowPrivateTargets: boolean,
): Promise<ResolvedTarget> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new WebhookTargetError('The URL is not valid.', 'must be a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebhookTargetError(
      'Only http and https URLs are allowed.',
      'must be an http or https URL',
    );
  }
  if (url.username || url.password) {
    throw new WebhookTargetError(
      'Credentials in the URL are not allowed.',
      'must not contain credentials',
    );
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    throw new WebhookTargetError(`The host ${host} does not resolve.`, UNRESOLVED, true);
  }
  const first = addresses[0];
  if (!first) throw new WebhookTargetError(`The host ${host} does not resolve.`, UNRESOLVED, true);
  if (!allowPrivateTargets && addresses.some((a) => isForbiddenAddress(a.address))) {
    throw new WebhookTargetError(
      `The host ${host} resolves to a private, loopback or otherwise non-public address.`,
      'must name a host with a public address',
    );
  }
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
