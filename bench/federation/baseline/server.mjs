/**
 * The baseline of `npm run bench:federation`: plain Apollo Gateway, as its documentation sets
 * it up (ApolloServer + ApolloGateway over a supergraph file, RemoteGraphQLDataSource per
 * subgraph, every option at its default), served by node:http and nothing else.
 *   SUPERGRAPH_PATH   the supergraph file
 *   SUBGRAPH_URLS     name=url,name=url: where the subgraphs really are (as our gateway's setting)
 *   PORT              0 = any free port
 * Prints {"url": …} on stdout when it is ready; SIGTERM stops it.
 */
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';

const supergraphSdl = readFileSync(process.env.SUPERGRAPH_PATH, 'utf8');
const urls = Object.fromEntries(
  (process.env.SUBGRAPH_URLS ?? '')
    .split(',')
    .filter((entry) => entry.includes('='))
    .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
);

const gateway = new ApolloGateway({
  supergraphSdl,
  // The default buildService, with the subgraph's real URL.
  buildService: ({ name, url }) => new RemoteGraphQLDataSource({ url: urls[name] ?? url }),
});
const apollo = new ApolloServer({ gateway });
await apollo.start();

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const server = createServer(async (req, res) => {
  try {
    const raw = await readBody(req);
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('body: expected JSON');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => ({}),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
  }
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}/graphql` })}\n`);
});

process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  apollo.stop().then(() => process.exit(0));
});
