#!/usr/bin/env node
// The `realmkit` command. Plain JavaScript that any Node parses, so that an old Node gets a
// message it can act on rather than a syntax error from the server's code.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 17)) {
  process.stderr.write(
    `realmkit: Node.js ${process.versions.node} is too old; Realmkit needs Node.js 22.17 or newer (22 LTS, 24 LTS).\n`,
  );
  process.exit(1);
}
await import('../dist/cli/main.js');
