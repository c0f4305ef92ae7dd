/** The pg-boss queue of inbox events to apply: one job per new event, `{ eventId }`. */
export const INBOX_QUEUE = 'payments-inbox';

export interface InboxJob {
  readonly eventId: string;
}
