import { describePermissions } from '../../test/harness/describePermissions.js';
import { accountsRules } from './permissions.js';
import { typeDefs } from './server.js';

describePermissions('accounts', typeDefs, accountsRules);
