import { describePermissions } from '../../test/harness/describePermissions.js';
import { reviewsRules } from './permissions.js';
import { typeDefs } from './server.js';

describePermissions('reviews', typeDefs, reviewsRules);
