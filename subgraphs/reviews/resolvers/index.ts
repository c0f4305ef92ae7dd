import { Product } from './Product.js';
import { Review } from './Review.js';

export const resolvers = { Product, Review };
