import { AppError } from '../../../platform/errors/AppError.js';
import type { NotificationsContext } from '../context.js';

/** The caller's user id. The shield already refused anonymous callers; this keeps a resolver safe on its own. */
export function viewerId(ctx: NotificationsContext): string {
  if (ctx.viewer === null) throw new AppError('UNAUTHENTICATED', 'Sign in to do this.');
  return ctx.viewer.userId;
}
