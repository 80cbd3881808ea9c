// Ansible's tag selection: --tags picks tasks with any listed tag ('all' by
// default, 'tagged', 'untagged'); 'always' runs unless skipped by name;
// 'never' runs only when one of its tags is asked for explicitly.
export interface TagSelection {
  only: string[];
  skip: string[];
}

export function isSelected(taskTags: readonly string[], selection: TagSelection): boolean {
  const tags = new Set(taskTags);
  const only = selection.only.length ? selection.only : ['all'];
  if (selection.skip.some((t) => tags.has(t) || (t === 'tagged' && tags.size > 0) || (t === 'untagged' && tags.size === 0))) return false;
  if (tags.has('always') && !selection.skip.includes('always')) return true;
  const explicit = only.some((t) => tags.has(t));
  if (tags.has('never')) return explicit;
  return (
    explicit ||
    only.includes('all') ||
    (only.includes('tagged') && tags.size > 0) ||
    (only.includes('untagged') && tags.size === 0)
  );
}
