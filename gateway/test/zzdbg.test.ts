import { it } from 'vitest';
import { startAlpha, startOmega, startTestGateway } from './testSubgraphs.js';
it('dbg', async () => {
  const a = await startAlpha(); const o = await startOmega();
  const gw = await startTestGateway({ alpha: a.url, omega: o.url });
  const res = await gw.post(JSON.stringify({ query: 'query A { things { id } }', operationName: 'B' }));
  console.log(res.status, res.text);
  await gw.close(); await a.close(); await o.close();
});
