import { Kind, type DocumentNode, type EnumTypeDefinitionNode } from 'graphql';

export interface SupergraphSubgraph {
  /** As in the composition config, e.g. 'catalog'. */
  readonly name: string;
  /** The routing URL composed into the supergraph, if any. */
  readonly url: string | undefined;
}

/**
 * The subgraphs a supergraph routes to, from its `join__Graph` enum. `undefined` when
 * the document has no `join__Graph` enum, i.e. is not a supergraph.
 */
export function supergraphSubgraphs(document: DocumentNode): SupergraphSubgraph[] | undefined {
  const graphEnum = document.definitions.find(
    (d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'join__Graph',
  );
  if (!graphEnum) return undefined;
  return (graphEnum.values ?? []).map((value) => {
    const directive = value.directives?.find((d) => d.name.value === 'join__graph');
    const arg = (name: string) => {
      const node = directive?.arguments?.find((a) => a.name.value === name)?.value;
      return node?.kind === Kind.STRING ? node.value : undefined;
    };
    return { name: arg('name') ?? value.name.value.toLowerCase(), url: arg('url') };
  });
}
