// What `drover compat` says to use instead of a name drover does not have:
// the nearest name drover has only when it is near enough to be a typo, since
// `community.general.timezone` is not a misspelt `modprobe`.
import { distance } from 'fastest-levenshtein';

/** `'near'? ` followed by `otherwise` when `near` is a plausible typo of `name`, else just `otherwise`. */
export function insteadOf(name: string, near: string | undefined, otherwise: string): string {
  const bare = name.replace(/^ansible\.(builtin|legacy)\./, '');
  // A collection's name (ns.collection.thing) is content drover does not ship, not a typo.
  const typo = near !== undefined && !/^[\w-]+\.[\w-]+\./.test(bare) && distance(bare, near) <= Math.max(2, Math.floor(bare.length / 3));
  return typo ? `'${near}'? ${otherwise}` : otherwise;
}
