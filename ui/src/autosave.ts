// Save-as-you-type for the document editor, without losing the last keystroke:
// at most one save in flight; input that arrives meanwhile is coalesced and the LATEST
// body is sent as soon as the call returns, with the splices typed since the last save
// (splice.ts) so that the stored change is what the person did. A failed save is retried
// on the next input and automatically after 2 s, without splices (whether the failed one
// was stored is unknown, so the store diffs instead). No debounce timer: every input
// kicks a save at once. One saver per document lives for the whole session (saverFor), so
// leaving the editor never drops text: the save finishes in the background and a
// reopened editor shows it.
import type { Splice } from "./splice";

export type SaveState = "saved" | "saving" | "error";
type Listener = (state: SaveState, error: unknown) => void;
/** Saves `body`; `splices` (maybe none) made it from the body of the previous save. */
export type Save = (body: string, splices: Splice[]) => Promise<unknown>;

export class AutoSaver {
  private pending: string | null = null; // latest body not yet sent
  /** How `pending` was made from the last body sent; null once that is not known. */
  private splices: Splice[] | null = [];
  private inFlight = false;
  private error: unknown = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private waiters: Array<() => void> = [];
  private listener: Listener = () => {};
  /** The last body the user typed (sent or not); null before any input. */
  latest: string | null = null;
  /** What the last successful save returned (the fresh document view). */
  result: unknown = null;

  constructor(
    private save: Save,
    private retryMs = 2000,
  ) {}

  setListener(f: Listener | null) {
    this.listener = f ?? (() => {});
    this.emit();
  }

  /** The user typed: remember the newest body and send it (now, or right after the call in
   *  flight). `splice` is how this input changed the previous body, if known. */
  input(body: string, splice?: Splice | null) {
    this.latest = body;
    this.pending = body;
    if (this.splices && splice) this.splices.push(splice);
    else this.splices = null;
    this.clearRetry();
    this.kick();
    this.emit();
  }

  get state(): SaveState {
    if (this.inFlight) return "saving";
    if (this.error) return "error";
    return this.pending !== null ? "saving" : "saved";
  }

  get lastError(): unknown {
    return this.error;
  }

  /** True while some typed text is not yet confirmed saved. */
  get dirty(): boolean {
    return this.inFlight || this.pending !== null;
  }

  /** Sends anything unsent now; resolves when all is saved, or at the first failure. */
  flush(): Promise<void> {
    if (this.pending !== null && !this.inFlight) {
      this.clearRetry();
      this.kick();
    }
    if (!this.dirty) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private kick() {
    if (this.inFlight || this.pending === null) return;
    const body = this.pending;
    const splices = this.splices ?? [];
    this.pending = null;
    this.splices = [];
    this.inFlight = true;
    this.emit();
    this.save(body, splices)
      .then(
        (r) => {
          this.error = null;
          this.result = r;
        },
        (e) => {
          this.error = e ?? "error";
          // Keep the failed body unless newer text already replaced it; send the next
          // one whole (the store diffs it), as nobody knows what the failed call stored.
          if (this.pending === null) this.pending = body;
          this.splices = null;
        },
      )
      .finally(() => {
        this.inFlight = false;
        if (this.error == null) this.kick(); // newer text arrived while saving: send it now
        else this.scheduleRetry();
        this.emit();
        if (!this.dirty || this.error != null) {
          const w = this.waiters;
          this.waiters = [];
          w.forEach((f) => f());
        }
      });
  }

  private scheduleRetry() {
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, this.retryMs);
  }

  private clearRetry() {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private emit() {
    this.listener(this.state, this.error);
  }
}

const savers = new Map<string, AutoSaver>();

/** The one saver of a document, created on first use. */
export function saverFor(id: string, save: Save): AutoSaver {
  let s = savers.get(id);
  if (!s) {
    s = new AutoSaver(save);
    savers.set(id, s);
  }
  return s;
}

/** Resolves once every document's typed text is saved (or failed); used before the window closes. */
export function flushAll(): Promise<void> {
  return Promise.all([...savers.values()].map((s) => s.flush())).then(() => {});
}
