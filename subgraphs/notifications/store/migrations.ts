import type { Migration } from '../../../platform/db/runMigrations.js';

/**
 * The notifications store's schema, versioned. Append only: a shipped migration is never
 * edited (replicas and old databases have run it); a change is a new version.
 */
export const notificationsMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'devices, preferences, events, notifications, deliveries, product_reviewers',
    sql: `
      -- One row per push token: a token belongs to one user at a time (the last to register it).
      CREATE TABLE devices (
        token text PRIMARY KEY,
        platform text NOT NULL CHECK (platform IN ('IOS', 'ANDROID')),
        user_id text NOT NULL,
        locale text NOT NULL,
        app_version text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX devices_by_user ON devices (user_id, last_seen_at DESC);

      -- Only what a user turned off or back on; a category without a row is on.
      CREATE TABLE preferences (
        user_id text NOT NULL,
        category text NOT NULL,
        enabled boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, category)
      );

      -- The inbox of events from other services, keyed by event id: written with its job
      -- before the events route answers 2xx; processed_at set once every push was decided.
      CREATE TABLE events (
        id text PRIMARY KEY,
        type text NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz
      );
      CREATE INDEX events_unprocessed ON events (received_at) WHERE processed_at IS NULL;

      -- The users' in-app inbox: one notification per event and user, however often the event is processed.
      CREATE TABLE notifications (
        id text PRIMARY KEY,
        user_id text NOT NULL,
        event_id text NOT NULL,
        category text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        data jsonb NOT NULL,
        -- Milliseconds, as the page cursor carries it (JavaScript's Date): at microseconds, rows
        -- of one millisecond would sort past the cursor and a page would skip them.
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        read_at timestamptz,
        UNIQUE (event_id, user_id)
      );
      CREATE INDEX notifications_by_user ON notifications (user_id, created_at DESC, id DESC);

      -- One row per event and device: written as 'sending' and committed before the push
      -- leaves, so a redelivered event never pushes twice to one device.
      CREATE TABLE deliveries (
        event_id text NOT NULL,
        device_token text NOT NULL,
        user_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('sending', 'sent', 'unregistered', 'invalid', 'rejected', 'retry', 'unknown', 'gave_up')),
        attempts integer NOT NULL DEFAULT 0,
        message_id text,
        -- For 'retry': not before this (the push service's Retry-After).
        retry_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, device_token)
      );

      -- Who reviewed which product, from review.created: whom a new review of it concerns.
      -- The first review's time: a later one never hides the reviewer from an earlier event.
      CREATE TABLE product_reviewers (
        product_id text NOT NULL,
        user_id text NOT NULL,
        first_review_at timestamptz NOT NULL,
        PRIMARY KEY (product_id, user_id)
      );
      CREATE INDEX product_reviewers_newest ON product_reviewers (product_id, first_review_at DESC);
    `,
  },
];
