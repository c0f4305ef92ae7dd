import { describePermissions } from '../../test/harness/describePermissions.js';
import { notificationsRules } from './permissions.js';
import { typeDefs } from './server.js';

describePermissions('notifications', typeDefs, notificationsRules);
