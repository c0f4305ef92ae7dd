import { runSubgraph } from '../kit/server/runSubgraph.js';
import { subgraph } from './subgraph.js';

await runSubgraph(subgraph, process.env);
