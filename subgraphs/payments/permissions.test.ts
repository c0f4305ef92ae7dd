import { describePermissions } from '../../test/harness/describePermissions.js';
import { paymentsRules } from './permissions.js';
import { typeDefs } from './server.js';

describePermissions('payments', typeDefs, paymentsRules);
