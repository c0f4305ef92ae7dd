import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { print, parse } from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { operationId, type PersistedQueryManifest } from '../../gateway/src/persistedQueries/PersistedQueryManifest.js';
import { readOperationFiles } from '../readOperationFiles.js';
import type { AppBuildsFolder } from './appBuildFiles.js';
import { checkAppBuilds, registerAppBuild, retireAppBuild } from './appBuildCommands.js';
import { manifestAsApolloClientSends } from './manifestAsApolloClientSends.js';

const op = (name: string, body: string) => ({ id: operationId(body), name, type: 'query' as const, body });
const home31 = op('HomeScreen', 'query HomeScreen {\n  products(first: 10) {\n    __typename\n  }\n}');
const home32 = op('HomeScreen', 'query HomeScreen {\n  products(first: 20) {\n    __typename\n  }\n}');
const me = op('Me', 'query Me {\n  me {\n    id\n    __typename\n  }\n}');
const manifest = (...operations: ReturnType<typeof op>[]): PersistedQueryManifest => ({ format: 'apollo-persisted-query-manifest', version: 1, operations });
const json = (value: unknown) => JSON.stringify(value, null, 2);

let folder: AppBuildsFolder;
beforeEach(() => {
  folder = { dir: mkdtempSync(join(tmpdir(), 'app-builds-')), label: 'schema/app-builds' };
});
afterEach(() => rmSync(folder.dir, { recursive: true, force: true }));

const files = () => readdirSync(folder.dir).sort();
const register = (build: string, value: unknown, options = {}) => registerAppBuild(folder, build, { kind: 'file', path: `out/${build}.json`, text: typeof value === 'string' ? value : json(value) }, options);

describe('app builds: register and retire', () => {
  it('registers a build from the manifest its build produced, and says what the safelist gains', () => {
    expect(register('ios-3.1.0', manifest(home31))).toEqual({
      ok: true,
      lines: ['registered ios-3.1.0: wrote schema/app-builds/ios-3.1.0.json (1 operations, from out/ios-3.1.0.json).', `The safelist gains 1: HomeScreen (${home31.id.slice(0, 12)}).`],
    });
    const outcome = register('ios-3.2.0', manifest(home32, me));
    expect(outcome.lines[1]).toBe(`The safelist gains 2: HomeScreen (${home32.id.slice(0, 12)}), Me (${me.id.slice(0, 12)}).`);
    expect(files()).toEqual(['ios-3.1.0.json', 'ios-3.2.0.json']);
    expect(JSON.parse(readFileSync(join(folder.dir, 'ios-3.2.0.json'), 'utf8'))).toEqual(manifest(home32, me));
    expect(checkAppBuilds(folder)).toMatchObject({ ok: true, lines: ['schema/app-builds: 2 app builds (ios-3.1.0, ios-3.2.0), 3 operations in the safelist.'] });
  });

  it('keeps only Apollo’s keys of a manifest another tool wrote with extras', () => {
    expect(register('android-3.2.1', { ...manifest(me), generatedBy: 'apollo-kotlin 4.1' }).ok).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(join(folder.dir, 'android-3.2.1.json'), 'utf8')))).toEqual(['format', 'version', 'operations']);
  });

  it('a shipped build’s manifest never changes: registering other operations under its name is refused unless --replace', () => {
    register('ios-3.2.0', manifest(home32));
    expect(register('ios-3.2.0', manifest(home32)).lines).toEqual(['ios-3.2.0 is already registered with these 1 operations: schema/app-builds/ios-3.2.0.json unchanged.']);
    const refused = register('ios-3.2.0', manifest(home32, me));
    expect(refused.ok).toBe(false);
    expect(refused.lines[0]).toMatch(/^error: ios-3\.2\.0 is already registered \(schema\/app-builds\/ios-3\.2\.0\.json\) with other operations\..*--replace/);
    expect(JSON.parse(readFileSync(join(folder.dir, 'ios-3.2.0.json'), 'utf8')).operations).toHaveLength(1);
    expect(register('ios-3.2.0', manifest(home32, me), { replace: true }).lines[0]).toMatch(/^replaced ios-3\.2\.0/);
  });

  it('refuses a build name that is not <platform>-<version>', () => {
    expect(register('latest', manifest(me))).toEqual({
      ok: false,
      lines: ['error: "latest" is not an app build name: expected <platform>-<version>, e.g. ios-3.3.0 or android-3.2.1'],
    });
    expect(files()).toEqual([]);
  });

  it('retires a build: its operations that no other build sends leave the safelist; unknown and last builds are refused', () => {
    register('ios-3.1.0', manifest(home31, me));
    register('ios-3.2.0', manifest(home32, me));
    expect(retireAppBuild(folder, 'ios-3.0.0')).toEqual({ ok: false, lines: ['error: ios-3.0.0 is not a registered app build (registered: ios-3.1.0, ios-3.2.0).'] });
    const retired = retireAppBuild(folder, 'ios-3.1.0');
    expect(retired.ok).toBe(true);
    expect(retired.lines[1]).toMatch(new RegExp(`^Leaving the safelist: HomeScreen \\(${home31.id.slice(0, 12)}\\)\\. `));
    expect(files()).toEqual(['ios-3.2.0.json']);
    expect(retireAppBuild(folder, 'ios-3.2.0')).toEqual({
      ok: false,
      lines: ['error: ios-3.2.0 is the last registered app build: the safelist would be empty and safelist mode would refuse every app.'],
    });
    expect(files()).toEqual(['ios-3.2.0.json']);
  });
});

describe('app builds: malformed manifests get an error naming the file and the problem', () => {
  it.each([
    ['malformed JSON', '{"format": "apollo-persisted-query-manifest", ', /^error: out\/ios-3\.3\.0\.json: not valid JSON: /],
    ['another format', json({ ...manifest(me), format: 'relay-persisted-queries' }), /^error: out\/ios-3\.3\.0\.json: "format" must be "apollo-persisted-query-manifest", got "relay-persisted-queries"$/],
    ['an id that is not the SHA-256 of its body', json(manifest({ ...me, id: operationId('something else') })), /^error: out\/ios-3\.3\.0\.json: operations\[0\]: "id" is not the SHA-256 of its body/],
    [
      'one id, two bodies',
      json(manifest(me, { ...home32, id: me.id })),
      /^error: out\/ios-3\.3\.0\.json: operations\[1\]: id [0-9a-f]{64} is also the id of operations\[0\], whose body differs \(one id, two operations\)$/,
    ],
    ['no operations', json(manifest()), /^error: out\/ios-3\.3\.0\.json: no operations/],
  ])('register refuses %s, writing nothing', (_name, text, message) => {
    const outcome = register('ios-3.3.0', text);
    expect(outcome.ok).toBe(false);
    expect(outcome.lines[0]).toMatch(message);
    expect(files()).toEqual([]);
  });

  it('check names every bad file in the folder, including a file named like no build', () => {
    register('ios-3.2.0', manifest(home32));
    writeFileSync(join(folder.dir, 'android-3.0.0.json'), '<html>');
    writeFileSync(join(folder.dir, 'latest.json'), json(manifest(me)));
    const outcome = checkAppBuilds(folder);
    expect(outcome.ok).toBe(false);
    expect(outcome.lines).toEqual([
      expect.stringMatching(/^error: schema\/app-builds\/android-3\.0\.0\.json: not valid JSON: /),
      'error: schema/app-builds/latest.json: "latest" is not an app build name: expected <platform>-<version>, e.g. ios-3.3.0 or android-3.2.1',
    ]);
  });

  it('check refuses when the app’s own operations are in no registered build (this commit’s app must be served)', () => {
    register('ios-3.1.0', manifest(home31));
    const outcome = checkAppBuilds(folder, { from: 'test/operations/', manifest: manifest(home32, me) });
    expect(outcome.ok).toBe(false);
    expect(outcome.lines).toEqual([
      `error: test/operations/: HomeScreen as @apollo/client sends it (id ${home32.id.slice(0, 12)}) is in no registered app build: register the build being developed (npm run app-build:register -- <platform>-<version>, or --replace an unshipped one)`,
      `error: test/operations/: Me as @apollo/client sends it (id ${me.id.slice(0, 12)}) is in no registered app build: register the build being developed (npm run app-build:register -- <platform>-<version>, or --replace an unshipped one)`,
    ]);
  });
});

describe('manifestAsApolloClientSends (the build being developed)', () => {
  it('bodies as @apollo/client 4 sends them: __typename in every selection set but the root, id = SHA-256 of the body', async () => {
    const built = await manifestAsApolloClientSends([
      { path: 'ops/Home.graphql', text: 'query Home { products(first: 2) { ...Card } }' },
      { path: 'ops/Card.graphql', text: 'fragment Card on ProductConnection { edges { node { id } } }' },
    ]);
    if (!built.ok) throw new Error(built.errors.join('\n'));
    const [home] = built.manifest.operations;
    expect(home?.body).toBe(
      print(parse('query Home { products(first: 2) { ...Card __typename } } fragment Card on ProductConnection { edges { node { id __typename } __typename } __typename }')),
    );
    expect(home?.id).toBe(operationId(home?.body ?? ''));
  });

  it('the project: every operation of test/operations, as the client sends it, is in a registered build (what manifest:check enforces)', async () => {
    const built = await manifestAsApolloClientSends(readOperationFiles());
    if (!built.ok) throw new Error(built.errors.join('\n'));
    const project = { dir: fileURLToPath(new URL('../app-builds', import.meta.url)), label: 'schema/app-builds' };
    expect(checkAppBuilds(project, { from: 'test/operations/', manifest: built.manifest }).ok).toBe(true);
  });
});
