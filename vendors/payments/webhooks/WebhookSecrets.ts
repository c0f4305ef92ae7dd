import { randomBytes } from 'node:crypto';

/** `whsec_` + standard base64 of at least one byte, the Standard Webhooks secret format. */
export const WEBHOOK_SECRET_FORMAT = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;

export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * The active signing secrets, oldest first. Rolling adds a secret and keeps the old ones
 * active (every delivery carries one signature per active secret), so receivers can switch
 * over without losing events; expiring keeps only the newest.
 */
export class WebhookSecrets {
  private secrets: string[];

  constructor(initial: string) {
    if (!WEBHOOK_SECRET_FORMAT.test(initial)) throw new TypeError('webhook secret must be whsec_ followed by base64');
    this.secrets = [initial];
  }

  active(): readonly string[] {
    return this.secrets;
  }

  roll(): { secret: string; active: number } {
    const secret = newWebhookSecret();
    this.secrets = [...this.secrets, secret];
    return { secret, active: this.secrets.length };
  }

  expire(): { active: number } {
    this.secrets = this.secrets.slice(-1);
    return { active: 1 };
  }
}
