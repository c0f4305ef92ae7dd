import type DataLoader from 'dataloader';
import type { SubgraphContext } from '../kit/server/createSubgraphServer.js';
import type { UserProfile } from './model.js';

export interface AccountsContext extends SubgraphContext {
  readonly userById: DataLoader<string, UserProfile | null>;
}
