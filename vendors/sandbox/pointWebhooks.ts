/**
 * Points a webhook-sending sandbox vendor at its receiver (every such vendor has this
 * control endpoint): the harness and `npm run dev` do it once the receiving subgraph
 * listens, since only then is its URL known.
 */
export async function pointWebhooks(vendorUrl: string, receiverUrl: string): Promise<void> {
  const res = await fetch(`${vendorUrl}/__sandbox/webhooks/endpoint`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: receiverUrl }),
  });
  if (!res.ok) throw new Error(`the sandbox vendor at ${vendorUrl} refused its webhook endpoint (${res.status}): ${(await res.text()).slice(0, 300)}`);
}
