/** A failing case written to test-results/fuzz/ as a JSON description and the request body's bytes, to replay later. */
import fs from 'node:fs';
import path from 'node:path';
import type { FuzzCase } from './cases.js';
import type { Failure } from './run-case.js';

export const RESULTS_DIR = path.resolve(import.meta.dirname, '../../test-results/fuzz');

interface Stored {
  seed: number;
  index: number;
  source: string;
  format: FuzzCase['format'];
  mutations: string[];
  details: string[];
  collectionName: string;
  request: Omit<FuzzCase['request'], 'body'> & { body: string };
  file?: { filename?: string; mimeType: string; bytes: string };
  expect?: { statuses: number[]; detail?: string; why: string };
  checkText: boolean;
  failures: Failure[];
}

/** Writes the case (body and file bytes beside it) and returns the JSON file's path. */
export function writeReplay(c: FuzzCase, failures: Failure[], suffix = ''): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stem = path.join(RESULTS_DIR, `case-${c.seed}-${c.index}${suffix}`);
  fs.writeFileSync(`${stem}.body.bin`, c.request.body);
  if (c.file) fs.writeFileSync(`${stem}.file.bin`, c.file.bytes);
  const stored: Stored = {
    seed: c.seed, index: c.index, source: c.source, format: c.format, mutations: c.mutations, details: c.details, collectionName: c.collectionName,
    request: { ...c.request, body: path.basename(`${stem}.body.bin`) },
    file: c.file && { filename: c.file.filename, mimeType: c.file.mimeType, bytes: path.basename(`${stem}.file.bin`) },
    expect: c.expect && { ...c.expect, detail: c.expect.detail?.source },
    checkText: c.checkText, failures,
  };
  fs.writeFileSync(`${stem}.json`, JSON.stringify(stored, null, 2));
  return `${stem}.json`;
}

/** Reads a case written by writeReplay (the .json, or either .bin beside it). */
export function readReplay(file: string): FuzzCase {
  const json = file.replace(/\.(body|file)\.bin$/, '.json');
  const dir = path.dirname(json);
  const stored = JSON.parse(fs.readFileSync(json, 'utf8')) as Stored;
  return {
    ...stored,
    request: { ...stored.request, body: fs.readFileSync(path.join(dir, stored.request.body)) },
    file: stored.file && { ...stored.file, bytes: fs.readFileSync(path.join(dir, stored.file.bytes)) },
    expect: stored.expect && { ...stored.expect, detail: stored.expect.detail === undefined ? undefined : new RegExp(stored.expect.detail) },
  };
}
