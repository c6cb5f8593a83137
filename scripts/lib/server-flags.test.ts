// The benchmarks and tests start the server with the Node options `npm start` uses, so what they measure is
// what an operator runs.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot, SERVER_NODE_FLAGS } from './server';

it("starts the server with npm start's Node options", () => {
  const start = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const [node, ...words] = start.split(/\s+/);
  expect(node).toBe('node');
  const flags = words.slice(0, words.findIndex((w) => w.endsWith('portal-server.mjs')));
  expect(flags).toEqual(SERVER_NODE_FLAGS);
});
