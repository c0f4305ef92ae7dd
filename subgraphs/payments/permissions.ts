import { createPermissions, type PermissionRules } from '../kit/auth/createPermissions.js';
import { allowAll, isAuthenticated, isOwner } from '../kit/auth/rules.js';
import type { Order } from './model.js';

/**
 * Mirrors schema.graphql, deny by default. Everything here is the signed-in user's own:
 * the resolvers only ever load the caller's orders, and every Order field checks again
 * that its order belongs to the caller (a second lock, in case a resolver ever returns
 * someone else's). Federation's `_service` / `_entities` are handled by the kit.
 */
export const paymentsRules = {
  Query: { order: isAuthenticated, myOrders: isAuthenticated },
  Mutation: { startCheckout: isAuthenticated, confirmCheckout: isAuthenticated },
  Checkout: { '*': isAuthenticated },
  PaymentSheet: { '*': isAuthenticated },
  Order: { '*': isOwner((order: Order) => order.userId) },
  OrderItem: { '*': allowAll },
  OrderConnection: { '*': allowAll },
  OrderEdge: { '*': allowAll },
  Money: { '*': allowAll },
  PageInfo: { '*': allowAll },
} satisfies PermissionRules;

export const paymentsPermissions = createPermissions(paymentsRules);
