import type { Route } from './types.js';

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrongMethod'; allow: string[] }
  | { kind: 'none' }
  | { kind: 'badPath' };

interface Compiled {
  route: Route;
  segments: string[];
}

const split = (path: string): string[] => path.split('/').filter((s) => s.length > 0);

/** Matches `METHOD /path` against route patterns with `:param` segments; earlier routes win. */
export function createRouteTable(routes: readonly Route[]): { match(method: string, path: string): RouteMatch } {
  const compiled: Compiled[] = routes.map((route) => ({ route, segments: split(route.pattern) }));
  return {
    match(method, path) {
      let parts: string[];
      try {
        parts = split(path).map((p) => decodeURIComponent(p));
      } catch {
        return { kind: 'badPath' };
      }
      const allow: string[] = [];
      for (const { route, segments } of compiled) {
        const params = matchSegments(segments, parts);
        if (params === null) continue;
        if (route.method === method) return { kind: 'found', route, params };
        allow.push(route.method);
      }
      return allow.length > 0 ? { kind: 'wrongMethod', allow } : { kind: 'none' };
    },
  };
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const v = parts[i] as string;
    if (p.startsWith(':')) params[p.slice(1)] = v;
    else if (p !== v) return null;
  }
  return params;
}
