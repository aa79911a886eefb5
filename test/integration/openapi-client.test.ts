/**
 * /openapi.json is a document a generator can use: it validates as OpenAPI 3, and a client
 * generated from it here and now (openapi-typescript types, openapi-fetch calls; into a
 * temporary folder, so it always follows the current document) type-checks with tsc, then
 * stages a file, uploads it, follows both tasks to COMPLETED and reads the plots back.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { validate } from '@readme/openapi-parser';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import ts from 'typescript';
import { featureCollection, validPlots } from '../helpers/plots.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLIENT = path.join(ROOT, 'test/fixtures/openapi-client/stage-and-upload.ts');

interface Outcome { collectionId: string; validCount: number; states: string[]; firstPage: string; nextCursor: string | null }

/** The generated types, with binary strings as Blob (openapi-typescript's documented way to type file uploads). */
async function generateTypes(doc: OpenAPI3): Promise<string> {
  const ast = await openapiTS(doc, {
    transform(schema) {
      if (schema.format === 'binary') return ts.factory.createTypeReferenceNode('Blob');
      return undefined;
    },
  });
  return astToString(ast);
}

describe('a client generated from /openapi.json', () => {
  let server: TestServer;
  let token: string;
  let doc: OpenAPI3;
  let folder: string;

  before(async () => {
    server = await startTestServer();
    token = await server.userToken('generated@example.org');
    doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as OpenAPI3;
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'canopy-client-'));
  });
  after(async () => {
    await server.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('is a valid OpenAPI 3 document', async () => {
    const result = await validate(structuredClone(doc) as never);
    assert.deepEqual(result.errors ?? [], []);
    assert.equal(result.valid, true);
  });

  it('type-checks, then stages, uploads and reads back through the generated client', async () => {
    fs.writeFileSync(path.join(folder, 'api.d.ts'), await generateTypes(doc));
    fs.copyFileSync(CLIENT, path.join(folder, 'client.ts'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(folder, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ type: 'module' }));
    fs.writeFileSync(path.join(folder, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023', 'DOM'], types: ['node'],
        strict: true, noEmit: true, skipLibCheck: true,
      },
      files: ['client.ts'],
    }));
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const checked = await promisify(execFile)(process.execPath, [tsc, '-p', folder]).then(() => '', (err: { stdout: string }) => err.stdout);
    assert.equal(checked, '', 'the client type-checks against the generated types');

    const { stageAndUpload } = (await import(pathToFileURL(path.join(folder, 'client.ts')).href)) as {
      stageAndUpload(baseUrl: string, token: string, file: File, name: string, pageSize: number): Promise<Outcome>;
    };
    const file = new File([featureCollection(validPlots(5))], 'plots.geojson', { type: 'application/geo+json' });
    const outcome = await stageAndUpload(server.url, token, file, 'generated-client', 3);
    assert.match(outcome.collectionId, /^0x[0-9a-f]{64}$/);
    assert.equal(outcome.validCount, 5);
    assert.deepEqual(outcome.states, ['COMPLETED', 'COMPLETED']);
    const lines = outcome.firstPage.trim().split('\n').map((line) => JSON.parse(line) as { properties: { plotid: string } });
    assert.deepEqual(lines.map((f) => f.properties.plotid), ['P-1', 'P-2', 'P-3']);
    assert.ok(outcome.nextCursor, 'the X-Next-Cursor header leads to the next page');
  });
});
