// A node:test reporter that prints only, at the very end, one line per failed
// test (file and name): CI shows the tail of a long log, where the spec
// reporter's own failure details may push the names out of sight.
export default async function* failedTests(source) {
  const failed = [];
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    // A suite or file that failed only because a test inside it did is not a failure of its own.
    if (event.data.details?.error?.failureType === 'subtestsFailed') continue;
    failed.push(`${event.data.file ?? '?'}: ${event.data.name}`);
  }
  if (failed.length > 0) yield `\n${failed.length} failed:\n${failed.map((line) => `  FAILED ${line}\n`).join('')}`;
}
