import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { Kind, parse, print, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { Observable } from 'rxjs';
import { MANIFEST_FORMAT, operationId, type ManifestOperation } from '../../gateway/src/persistedQueries/PersistedQueryManifest.js';
import { buildManifest, type ManifestBuild, type OperationFile } from '../persistedQueryManifest.js';

/**
 * The persisted query manifest of `.graphql` files as @apollo/client 4 sends their
 * operations, which is what `@apollo/generate-persisted-query-manifest` does: each
 * operation (with the fragments it uses) goes through a real ApolloClient whose last link
 * records the document instead of sending it. So the client's own document transforms
 * apply (the cache adds `__typename` to every selection set except the root's, `@client`
 * fields and the like are removed), then the body is `print` of that document with its
 * definitions sorted (operations first, then by name: `sortTopLevelDefinitions` of
 * `@apollo/persisted-query-lists`), and the id is the SHA-256 of the body: exactly the hash
 * the persisted-queries link (`sha256(print(query))`) sends for an operation written
 * operation-first, fragments after, as the app's files are.
 */
export async function manifestAsApolloClientSends(files: readonly OperationFile[]): Promise<ManifestBuild> {
  const plain = buildManifest(files);
  if (!plain.ok) return plain;

  let sent: DocumentNode | undefined;
  const client = new ApolloClient({
    cache: new InMemoryCache(),
    link: new ApolloLink((operation) => {
      sent = operation.query;
      return new Observable((observer) => {
        observer.next({ data: null });
        observer.complete();
      });
    }),
  });

  const operations: ManifestOperation[] = [];
  for (const op of plain.manifest.operations) {
    sent = undefined;
    const document = parse(op.body);
    if (op.type === 'query') await client.query({ query: document, fetchPolicy: 'no-cache' });
    else if (op.type === 'mutation') await client.mutate({ mutation: document, fetchPolicy: 'no-cache' });
    else return { ok: false, errors: [`${op.name}: subscriptions are not sent over HTTP by the app; leave them out of test/operations`] };
    if (!sent) return { ok: false, errors: [`${op.name}: @apollo/client sent nothing for this operation`] };
    const body = print(sortTopLevelDefinitions(sent));
    operations.push({ id: operationId(body), name: op.name, type: op.type, body });
  }
  client.stop();
  return { ok: true, manifest: { format: MANIFEST_FORMAT, version: 1, operations } };
}

/** `@apollo/persisted-query-lists`' order: operations before fragments (by kind, descending), then by name. */
function sortTopLevelDefinitions(document: DocumentNode): DocumentNode {
  const nameOf = (d: DocumentNode['definitions'][number]) =>
    d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION ? ((d as OperationDefinitionNode).name?.value ?? '') : '';
  const definitions = [...document.definitions].sort((a, b) =>
    a.kind > b.kind ? -1 : a.kind < b.kind ? 1 : nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0,
  );
  return { ...document, definitions };
}
