import { describePermissions } from '../../test/harness/describePermissions.js';
import { catalogRules } from './permissions.js';
import { typeDefs } from './server.js';

describePermissions('catalog', typeDefs, catalogRules);
