import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The client's address. `trustProxyHops` = how many proxies the gateway sits behind,
 * each appending the address it got the request from to `x-forwarded-for`:
 * 0 → the socket's remote address (the header is the client's to forge, so ignored);
 * N → the Nth address from the right of `x-forwarded-for` (the one the outermost
 * trusted proxy saw), or the leftmost when there are fewer. A missing or malformed
 * header falls back to the socket's address.
 */
export function clientAddress(req: IncomingMessage, trustProxyHops: number): string {
  const socket = normalise(req.socket.remoteAddress ?? '') ?? 'unknown';
  if (trustProxyHops <= 0) return socket;
  const header = req.headers['x-forwarded-for'];
  const joined = Array.isArray(header) ? header.join(',') : header;
  if (!joined) return socket;
  const hops = joined.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (hops.length === 0) return socket;
  const picked = hops[Math.max(0, hops.length - trustProxyHops)];
  return (picked && normalise(picked)) ?? socket;
}

/**
 * The rate-limit key of an address: IPv4 as is; IPv6 by its /64 network, since one
 * subscriber usually holds a whole /64 and could otherwise rotate through addresses.
 */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

function normalise(raw: string): string | undefined {
  let address = raw.trim();
  // "[::1]:1234" or "1.2.3.4:5678" from some proxies.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed?.[1]) address = bracketed[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  if (address.toLowerCase().startsWith('::ffff:') && isIP(address.slice(7)) === 4) address = address.slice(7);
  return isIP(address) === 0 ? undefined : address.toLowerCase();
}

function expandIpv6(address: string): string[] {
  const withoutZone = address.split('%')[0] ?? address;
  const [head = '', tail] = withoutZone.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}
