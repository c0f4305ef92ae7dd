import type { Route } from '../../sandbox/types.js';
import type { UserDirectory } from '../UserDirectory.js';

export const SIGNUP_PATH = '/dbconnections/signup';

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export type SignupFields = Partial<Record<'email' | 'password' | 'name', string>>;
export type SignupCheck = { ok: true; value: { email: string; password: string; name: string } } | { ok: false; fields: SignupFields };

/** Every problem at once, per field; the password itself is never repeated back. */
export function validateSignup(input: unknown): SignupCheck {
  const body = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const fields: SignupFields = {};
  const { email, password, name } = body;
  if (typeof email !== 'string' || !EMAIL.test(email.trim()) || email.trim().length > 254) {
    fields.email = 'Must be an email address of at most 254 characters.';
  }
  if (typeof password !== 'string' || password.length < 10 || password.length > 128) {
    fields.password = 'Must be 10 to 128 characters long.';
  } else if (typeof email === 'string' && password.trim().toLowerCase() === email.trim().toLowerCase()) {
    fields.password = 'Must not be the same as the email address.';
  }
  if (typeof name !== 'string' || name.trim().length < 1 || name.trim().length > 80) {
    fields.name = 'Must be 1 to 80 characters long (not counting surrounding spaces).';
  }
  if (Object.keys(fields).length > 0) return { ok: false, fields };
  return { ok: true, value: { email: (email as string).trim(), password: password as string, name: (name as string).trim() } };
}

/** `POST /dbconnections/signup`, server to server (vendor API key), like Auth0's database connection sign-up. */
export function signupRoute(users: UserDirectory): Route {
  return {
    method: 'POST',
    pattern: SIGNUP_PATH,
    async handle({ body }) {
      if (body.kind !== 'json') {
        return { status: 400, body: { error: 'invalid_signup', description: 'The body must be a JSON object { email, password, name }.', fields: {} } };
      }
      const check = validateSignup(body.value);
      if (!check.ok) {
        const names = Object.keys(check.fields).join(', ');
        return { status: 400, body: { error: 'invalid_signup', description: `Invalid sign-up: check ${names}.`, fields: check.fields } };
      }
      const user = await users.create(check.value);
      if (user === 'exists') return { status: 409, body: { error: 'user_exists', description: 'A user with this email already exists.' } };
      return { status: 201, body: { user_id: user.user_id, email: user.email, name: user.name, picture: user.picture } };
    },
  };
}
