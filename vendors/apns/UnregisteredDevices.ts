/** Device tokens the sandbox was told are no longer valid for their topic (the app was deleted), with when (epoch ms). */
export class UnregisteredDevices {
  private readonly since = new Map<string, number>();

  unregister(token: string, at: number): number {
    const key = token.toLowerCase();
    const existing = this.since.get(key);
    if (existing !== undefined) return existing;
    this.since.set(key, at);
    return at;
  }

  /** When the token became invalid, or undefined while it is valid. */
  unregisteredAt(token: string): number | undefined {
    return this.since.get(token.toLowerCase());
  }

  list(): Array<{ token: string; timestamp: number }> {
    return [...this.since].map(([token, timestamp]) => ({ token, timestamp }));
  }

  clear(): void {
    this.since.clear();
  }
}
