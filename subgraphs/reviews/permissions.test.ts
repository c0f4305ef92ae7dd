import { describePermissions } from '../kit/testing/describePermissions.js';
import { reviewsRules } from './permissions.js';
import { typeDefs } from './server.js';

describePermissions('reviews', typeDefs, reviewsRules);
