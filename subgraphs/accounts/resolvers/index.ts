import { Query } from './Query.js';
import { User } from './User.js';

export const resolvers = { Query, User };
