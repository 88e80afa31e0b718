/**
 * A schema's complaints in one line for a person (a dead letter's detail, a log): the first five, each as its path
 * and message, e.g. `measurements.0.value: Invalid input: expected number, received string`.
 */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
