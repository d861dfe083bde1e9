// What the person did to the text, from the text area's input events: each input turns
// the text before into the text after by one splice (at `pos`, `delete` UTF-16 units
// removed, then `insert` typed), and the caret after the input says where the typed
// text ends — so typing "a" into "aa" is known to go between the two, where a diff of
// the two texts could only guess. The editor sends these splices with the body; Rust
// writes them as the change when they fit the stored body (luring-crdt text_splice.rs).
import type { BodySplice } from "./bindings";

export type Splice = BodySplice;

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** The one splice that turns `before` into `after`, the caret (selectionEnd) standing at
 *  `caret` in `after` once the input is done. */
export function spliceOf(before: string, after: string, caret: number): Splice {
  const end = Number.isInteger(caret) && caret >= 0 && caret <= after.length ? caret : after.length;
  // The unchanged tail cannot reach before the caret: the typed text ends there.
  const maxSuffix = Math.min(before.length, after.length - end);
  let suffix = 0;
  while (suffix < maxSuffix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  const maxPrefix = Math.min(before.length, after.length) - suffix;
  let prefix = 0;
  while (prefix < maxPrefix && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  // Never cut a character outside the basic plane (an emoji) in two.
  if (prefix > 0 && isHigh(after.charCodeAt(prefix - 1))) prefix--;
  if (suffix > 0 && isLow(after.charCodeAt(after.length - suffix))) suffix--;
  return { pos: prefix, delete: before.length - prefix - suffix, insert: after.slice(prefix, after.length - suffix) };
}

/** `text` with `splices` applied in order. */
export function applySplices(text: string, splices: Splice[]): string {
  return splices.reduce((t, s) => t.slice(0, s.pos) + s.insert + t.slice(s.pos + s.delete), text);
}
