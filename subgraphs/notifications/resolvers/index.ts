import { Device } from './Device.js';
import { Mutation } from './Mutation.js';
import { Notification } from './Notification.js';
import { Query } from './Query.js';

export const resolvers = { Query, Mutation, Device, Notification };
