import { Product } from './Product.js';

export const resolvers = { Product };
