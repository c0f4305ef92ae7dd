/** The pg-boss queue of received events to push: one job per new event, `{ eventId }`. */
export const EVENT_QUEUE = 'notifications-events';

export interface EventJob {
  readonly eventId: string;
}
