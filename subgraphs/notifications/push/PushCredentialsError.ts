/**
 * A push credential file that cannot be used: missing, unreadable, not the expected format, or
 * (NODE_ENV=production) holding the sandbox's committed keys. Thrown by `createPushSender` at start-up, so a wrong mount or a pasted key fails the service
 * at once with the setting and the path named. The message never quotes the file: it holds a
 * private key, and a parser's message could echo part of it.
 */
export class PushCredentialsError extends Error {
  constructor(
    /** The setting that names the file, e.g. `NOTIFICATIONS_APNS_KEY_FILE`. */
    readonly setting: string,
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${setting} (${path}): ${problem}`);
    this.name = 'PushCredentialsError';
  }
}
