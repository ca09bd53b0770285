// Reads one JSON string per line on stdin, answers one JSON object per line:
// what dotenv.parse makes of it. Used by the differential test of _dotenv.py.
const path = require('path');
const readline = require('readline');
const dotenv = require(path.resolve(process.argv[2], 'node_modules', 'dotenv'));

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const parsed = dotenv.parse(JSON.parse(line));
  // Keep dotenv's own key order: an array of pairs.
  process.stdout.write(JSON.stringify(Object.entries(parsed)) + '\n');
});
