import { NONCE_ARGUMENT, type BenchSubgraph } from './BenchSubgraph.js';

interface User {
  readonly id: string;
  readonly name: string;
  readonly username: string;
  readonly birthday: number;
}

const users: readonly User[] = [
  { id: '1', name: 'Uri Goldshtein', username: 'urigo', birthday: 1234567890 },
  { id: '2', name: 'Dotan Simha', username: 'dotansimha', birthday: 1234567890 },
  { id: '3', name: 'Kamil Kisiela', username: 'kamilkisiela', birthday: 1234567890 },
  { id: '4', name: 'Arda Tanrikulu', username: 'ardatan', birthday: 1234567890 },
  { id: '5', name: 'Gil Gardosh', username: 'gilgardosh', birthday: 1234567890 },
  { id: '6', name: 'Laurin Quast', username: 'laurin', birthday: 1234567890 },
];

const byId = (id: string) => users.find((user) => user.id === id) ?? null;

/** Users: `me` is always the first of them. */
export const accounts: BenchSubgraph = {
  name: 'accounts',
  sdl: `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

    type Query {
      me: User
      user(id: ID!): User
      users: [User]
    }

    type User @key(fields: "id") {
      id: ID!
      name(${NONCE_ARGUMENT}: String): String
      # Shareable: reviews provides it on a review's author (the original's federation 1 subgraphs share it implicitly).
      username: String @shareable
      birthday: Int
    }
  `,
  resolvers: {
    Query: {
      me: () => users[0],
      user: (_: unknown, { id }: { id: string }) => byId(id),
      users: () => users,
    },
    User: {
      __resolveReference: ({ id }: { id: string }) => byId(id),
    },
  },
};
