import type { UserProfile } from '../model.js';

export const Query = {
  // No caller identity reaches subgraphs yet (authentication at the gateway comes next),
  // so every request is anonymous and `me` is null by contract.
  me(): UserProfile | null {
    return null;
  },
};
