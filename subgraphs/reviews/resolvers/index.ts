import { Mutation } from './Mutation.js';
import { Product } from './Product.js';
import { Review } from './Review.js';

export const resolvers = { Mutation, Product, Review };
