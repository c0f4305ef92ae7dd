import { randomBytes } from 'node:crypto';
import type { AndroidPriority, ValidMessage } from './validateMessage.js';

/** A message FCM accepted, as `GET /__sandbox/messages` shows it. */
export interface RecordedMessage {
  /** The id in `name`, e.g. `0:1717000000000123%a1b2c3d4e5f6a7b8`. */
  id: string;
  /** `projects/{project}/messages/{id}`, as answered. */
  name: string;
  project: string;
  token: string;
  collapseKey: string | null;
  priority: AndroidPriority | null;
  ttl: string | null;
  notification: ValidMessage['notification'];
  data: Record<string, string> | null;
  android: Record<string, unknown> | null;
  apns: Record<string, unknown> | null;
  /** ISO 8601. */
  receivedAt: string;
}

/** Messages kept for reading back; `count` keeps counting past it. */
const KEEP = 10_000;

/** What the sandbox delivered, in order, and which device tokens are no longer deliverable. */
export class PushRecords {
  private readonly log: RecordedMessage[] = [];
  private accepted = 0;
  private seq = 0;
  private readonly unregistered = new Set<string>();
  /** Token → the project it now belongs to (sends from any other → SENDER_ID_MISMATCH). */
  private readonly moved = new Map<string, string>();

  constructor(private readonly clock: () => number) {}

  record(project: string, message: ValidMessage): RecordedMessage {
    const now = this.clock();
    this.seq = (this.seq + 1) % 1000;
    const id = `0:${now}${String(this.seq).padStart(3, '0')}%${randomBytes(8).toString('hex')}`;
    const { token, collapseKey, priority, ttl, notification, data, android, apns } = message;
    const entry: RecordedMessage = {
      id,
      name: `projects/${project}/messages/${id}`,
      project,
      token,
      collapseKey,
      priority,
      ttl,
      notification,
      data,
      android,
      apns,
      receivedAt: new Date(now).toISOString(),
    };
    this.log.push(entry);
    if (this.log.length > KEEP) this.log.shift();
    this.accepted += 1;
    return entry;
  }

  messages(): { count: number; messages: RecordedMessage[] } {
    return { count: this.accepted, messages: this.log.map((m) => structuredClone(m)) };
  }

  clearMessages(): void {
    this.log.length = 0;
    this.accepted = 0;
  }

  /** The app was uninstalled (or its token rotated): sends to it now answer UNREGISTERED. */
  unregister(token: string): void {
    this.unregistered.add(token);
  }

  /** The token now belongs to another Firebase project: sends from this one answer SENDER_ID_MISMATCH. */
  moveToProject(token: string, project: string): void {
    this.moved.set(token, project);
  }

  stateOf(token: string, project: string): 'deliverable' | 'unregistered' | 'senderMismatch' {
    if (this.unregistered.has(token)) return 'unregistered';
    const owner = this.moved.get(token);
    return owner !== undefined && owner !== project ? 'senderMismatch' : 'deliverable';
  }

  devices(): { unregistered: string[]; moved: Record<string, string> } {
    return { unregistered: [...this.unregistered], moved: Object.fromEntries(this.moved) };
  }

  resetDevices(): void {
    this.unregistered.clear();
    this.moved.clear();
  }
}
