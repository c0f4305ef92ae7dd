import { seededRandom } from '../sandbox/seededRandom.js';

/** A user as IdentiCo returns it. */
export interface IdentityUser {
  readonly user_id: string;
  readonly name: string;
  readonly picture: string | null;
  readonly email: string;
  readonly created_at: string;
}

export const USER_COUNT = 1000;
export const IDENTITY_SEED = 31_337;

const FIRST = [
  'Ada', 'Ben', 'Chloe', 'Diego', 'Elena', 'Farah', 'Gus', 'Hana', 'Ivan', 'Jada', 'Kenji', 'Lena', 'Mateo', 'Nora',
  'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Umar', 'Vera', 'Wen', 'Xavier', 'Yara', 'Zoe', 'Amir', 'Bea',
  'Caleb', 'Dana', 'Emil', 'Freya', 'Gabe', 'Iris', 'Jonas', 'Kira', 'Liam', 'Maya', 'Nils', 'Olga',
];
const LAST = [
  'Abara', 'Berg', 'Costa', 'Dubois', 'Evans', 'Fischer', 'Garcia', 'Haddad', 'Ibsen', 'Jensen', 'Kowalski', 'Lopez',
  'Moreau', 'Nakamura', 'Okafor', 'Petrov', 'Quispe', 'Rossi', 'Silva', 'Tanaka', 'Usman', 'Varga', 'Weber', 'Xu',
  'Yilmaz', 'Zimmer', 'Andersen', 'Brown', 'Chen', 'Diaz', 'Eriksen', 'Fontaine', 'Gupta', 'Hoang', 'Ivanova', 'Kim',
];

const DAY_MS = 86_400_000;
const USERS_START = Date.UTC(2021, 2, 1);
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** 1000 users, deterministic from `seed`; about 15% have no picture. */
export function generateIdentityData(seed = IDENTITY_SEED): readonly IdentityUser[] {
  const rnd = seededRandom(seed);
  const users: IdentityUser[] = [];
  for (let i = 1; i <= USER_COUNT; i++) {
    const user_id = `usr_${pad(i, 4)}`;
    const first = rnd.pick(FIRST);
    const last = rnd.pick(LAST);
    users.push(
      Object.freeze({
        user_id,
        name: `${first} ${last}`,
        picture: rnd.chance(0.15) ? null : `https://images.example.com/avatars/${user_id}.png`,
        email: `${first.toLowerCase()}.${last.toLowerCase()}${i}@example.com`,
        created_at: new Date(USERS_START + rnd.int(0, 800) * DAY_MS + rnd.int(0, DAY_MS - 1)).toISOString(),
      }),
    );
  }
  return Object.freeze(users);
}

let memo: { users: readonly IdentityUser[]; byId: ReadonlyMap<string, IdentityUser> } | null = null;

function data(): NonNullable<typeof memo> {
  if (memo === null) {
    const users = generateIdentityData();
    memo = { users, byId: new Map(users.map((u) => [u.user_id, u])) };
  }
  return memo;
}

/** All 1000 IdentiCo users in storage order (sorted by id). Frozen, shared. */
export function identityUsers(): readonly IdentityUser[] {
  return data().users;
}

export function userById(id: string): IdentityUser | undefined {
  return data().byId.get(id);
}
