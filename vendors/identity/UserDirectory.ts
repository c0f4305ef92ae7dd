import { dummyPasswordHash, hashPassword, verifyPassword } from './oidc/passwords.js';
import { identityUsers, userById, USER_COUNT, type IdentityUser } from './data.js';

const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/**
 * The users of one IdentiCo instance: the 1000 shared seeded users (who have no password,
 * so they cannot sign in) plus the ones who signed up on this instance (`usr_1001`, …),
 * with their scrypt password hashes. Two vendors in one process never share sign-ups.
 */
export class UserDirectory {
  private readonly created: IdentityUser[] = [];
  private readonly createdById = new Map<string, IdentityUser>();
  private readonly idByEmail = new Map<string, string>();
  private readonly passwordHashes = new Map<string, string>();

  constructor(private readonly clock: () => number = Date.now) {
    for (const u of identityUsers()) this.idByEmail.set(normalizeEmail(u.email), u.user_id);
  }

  byId(id: string): IdentityUser | undefined {
    return userById(id) ?? this.createdById.get(id);
  }

  byEmail(email: string): IdentityUser | undefined {
    const id = this.idByEmail.get(normalizeEmail(email));
    return id === undefined ? undefined : this.byId(id);
  }

  /** Storage order (by id, sign-ups after the seed), unknown ids omitted. */
  lookup(ids: ReadonlySet<string>): IdentityUser[] {
    const wanted = (u: IdentityUser): boolean => ids.has(u.user_id);
    // Filtered apart, so a request does not copy the whole seed first.
    return [...identityUsers().filter(wanted), ...this.created.filter(wanted)];
  }

  /** Creates a user with the next id, or returns 'exists' when the email (case-insensitive) is taken (after the same work). */
  async create(input: { email: string; password: string; name: string }): Promise<IdentityUser | 'exists'> {
    // Hashed before the email is checked, so that a taken email costs the same scrypt as a
    // new one and the answer's timing does not tell which emails have accounts.
    const hash = await hashPassword(input.password);
    if (this.byEmail(input.email) !== undefined) return 'exists';
    const user: IdentityUser = Object.freeze({
      user_id: `usr_${String(USER_COUNT + this.created.length + 1).padStart(4, '0')}`,
      name: input.name,
      picture: null,
      email: normalizeEmail(input.email),
      created_at: new Date(this.clock()).toISOString(),
    });
    this.created.push(user);
    this.createdById.set(user.user_id, user);
    this.idByEmail.set(user.email, user.user_id);
    this.passwordHashes.set(user.user_id, hash);
    return user;
  }

  /** The user when email and password match; null otherwise (unknown email, seeded user, wrong password). */
  async verifyCredentials(email: string, password: string): Promise<IdentityUser | null> {
    const user = this.byEmail(email);
    const hash = user === undefined ? undefined : this.passwordHashes.get(user.user_id);
    // Always pay for one scrypt, so timing does not tell which emails exist.
    const ok = await verifyPassword(password, hash ?? (await dummyPasswordHash()));
    return ok && hash !== undefined ? (user ?? null) : null;
  }
}
