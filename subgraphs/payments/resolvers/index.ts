import { Mutation } from './Mutation.js';
import { Order } from './Order.js';
import { Query } from './Query.js';

export const resolvers = { Query, Mutation, Order };
