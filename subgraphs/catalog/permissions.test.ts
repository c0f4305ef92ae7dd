import { describePermissions } from '../kit/testing/describePermissions.js';
import { catalogRules } from './permissions.js';
import { typeDefs } from './server.js';

describePermissions('catalog', typeDefs, catalogRules);
