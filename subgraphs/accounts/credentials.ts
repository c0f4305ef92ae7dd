import { AppError } from '../../platform/errors/AppError.js';

/** The sign-up / sign-in input fields, by their names in the schema. */
export type CredentialField = 'email' | 'password' | 'displayName';

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const MAX_EMAIL = 254;
const MIN_PASSWORD = 10;
const MAX_PASSWORD = 128;
const MAX_DISPLAY_NAME = 80;

/** What each field must be: our words, also used when the identity provider refuses one. */
const expectedField: Readonly<Record<CredentialField, string>> = {
  email: `an email address of at most ${MAX_EMAIL} characters`,
  password: `${MIN_PASSWORD} to ${MAX_PASSWORD} characters, not the same as the email address`,
  displayName: `1 to ${MAX_DISPLAY_NAME} characters (not counting surrounding spaces)`,
};

/** BAD_USER_INPUT naming the input field (`extensions.argument` = 'input', `extensions.field`). */
export function badField(field: CredentialField, expected = expectedField[field]): AppError {
  return new AppError('BAD_USER_INPUT', `Field "${field}" of "input" is invalid: expected ${expected}.`, {
    extensions: { argument: 'input', field },
  });
}

function email(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length > MAX_EMAIL || !EMAIL.test(trimmed)) throw badField('email');
  return trimmed;
}

/** Checked before the identity provider is called; the password is never trimmed or echoed. */
export function checkSignUp(input: { email: string; password: string; displayName: string }): { email: string; password: string; name: string } {
  const address = email(input.email);
  const { password } = input;
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD || password.trim().toLowerCase() === address.toLowerCase()) {
    throw badField('password');
  }
  const name = input.displayName.trim();
  if (name.length < 1 || name.length > MAX_DISPLAY_NAME) throw badField('displayName');
  return { email: address, password, name };
}

/**
 * Sign-in checks only the shape: the length rules are for new passwords, and an older
 * account's password is whatever the rules were then (the provider decides).
 */
export function checkSignIn(input: { email: string; password: string }): { email: string; password: string } {
  const address = email(input.email);
  if (input.password.length < 1 || input.password.length > MAX_PASSWORD) throw badField('password', `1 to ${MAX_PASSWORD} characters`);
  return { email: address, password: input.password };
}

const MAX_REFRESH_TOKEN = 4096;

export function checkRefreshToken(token: string): string {
  if (token.length < 1 || token.length > MAX_REFRESH_TOKEN || /\s/.test(token)) {
    throw new AppError('BAD_USER_INPUT', `Argument "refreshToken" is invalid: expected a refresh token from signIn, signUp or refreshSession.`, {
      extensions: { argument: 'refreshToken' },
    });
  }
  return token;
}
