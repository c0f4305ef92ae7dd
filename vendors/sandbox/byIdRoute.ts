import type { Route } from './types.js';
import { VendorHttpError } from './VendorHttpError.js';

/**
 * `GET <pattern>` for one entity by its `:id` segment: the entity as stored, or a branded 404
 * naming the `noun` and (at most 100 characters of) the id asked for.
 */
export function byIdRoute(pattern: `${string}/:id`, noun: string, find: (id: string) => unknown): Route {
  return {
    method: 'GET',
    pattern,
    handle({ params }) {
      const id = params.id ?? '';
      const entity = find(id);
      if (entity === undefined) throw VendorHttpError.notFound(`${noun} ${JSON.stringify(id.slice(0, 100))} not found`);
      return { status: 200, body: entity };
    },
  };
}
