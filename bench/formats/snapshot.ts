import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Copies the built server (dist/ and package.json, with a link to node_modules) into `dir`,
 * so every stage of a run uses the same build even if someone rebuilds dist/ meanwhile.
 * Returns the copy's root and a short hash of the build's files.
 */
export function snapshotBuild(root: string, dir: string): { appRoot: string; distHash: string; builtAt: string } {
  const appRoot = path.join(dir, 'app');
  fs.mkdirSync(appRoot, { recursive: true });
  fs.cpSync(path.join(root, 'dist'), path.join(appRoot, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(root, 'package.json'), path.join(appRoot, 'package.json'));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(appRoot, 'node_modules'), 'dir');
  const hash = createHash('sha256');
  const files = (fs.readdirSync(path.join(appRoot, 'dist'), { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).sort();
  let newest = 0;
  for (const file of files) {
    const full = path.join(appRoot, 'dist', file);
    hash.update(file).update(fs.readFileSync(full));
    newest = Math.max(newest, fs.statSync(path.join(root, 'dist', file), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  }
  return { appRoot, distHash: hash.digest('hex').slice(0, 12), builtAt: new Date(newest).toISOString() };
}
