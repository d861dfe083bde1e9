// Save-as-you-type for the document editor, without losing the last keystroke:
// at most one save in flight; input that arrives meanwhile is coalesced and the LATEST
// body is sent as soon as the call returns. A failed save is retried on the next input
// and automatically after 2 s. No debounce timer: every input kicks a save at once.
// One saver per document lives for the whole session (saverFor), so leaving the editor
// never drops text: the save finishes in the background and a reopened editor shows it.

export type SaveState = "saved" | "saving" | "error";
type Listener = (state: SaveState, error: unknown) => void;

export class AutoSaver {
  private pending: string | null = null; // latest body not yet sent
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
    private save: (body: string) => Promise<unknown>,
    private retryMs = 2000,
  ) {}

  setListener(f: Listener | null) {
    this.listener = f ?? (() => {});
    this.emit();
  }

  /** The user typed: remember the newest body and send it (now, or right after the call in flight). */
  input(body: string) {
    this.latest = body;
    this.pending = body;
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
    this.pending = null;
    this.inFlight = true;
    this.emit();
    this.save(body)
      .then(
        (r) => {
          this.error = null;
          this.result = r;
        },
        (e) => {
          this.error = e ?? "error";
          // Keep the failed body unless newer text already replaced it.
          if (this.pending === null) this.pending = body;
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
export function saverFor(id: string, save: (body: string) => Promise<unknown>): AutoSaver {
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
