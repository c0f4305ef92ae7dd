import { Product } from './Product.js';
import { Query } from './Query.js';

export const resolvers = { Query, Product };
