// Save-as-you-edit for a task's own fields (title, status, due date, description), as the
// document editor saves its body: every edit is sent at once, one call in flight, the
// latest fields win, and the saver outlives the detail pane, so clicking another task
// while a save is under way drops nothing.
//
// It reuses the editor's AutoSaver (its one-in-flight, latest-wins and retry logic) with
// the fields as JSON; each save sends only what differs from the task as last known.
import { AutoSaver } from "./autosave";
import type { TaskChanges, TaskStatus, TaskView } from "./api";

/** The editable fields as the form holds them; `due` is an ISO date or "" for none. */
export interface TaskFields {
  title: string;
  status: TaskStatus;
  due: string;
  description: string;
}

export const dueOf = (v: TaskView) => v.due?.slice(0, 10) ?? "";

export function fieldsOf(v: TaskView): TaskFields {
  return { title: v.title, status: v.status, due: dueOf(v), description: v.description };
}

/**
 * What to send for `f` given the task as last known. An empty title is left out (the form
 * says it is required); so is an empty due date: removing a due date is not a change the
 * client offers, and the form says so rather than pretending.
 */
export function changesFrom(base: TaskView, f: TaskFields): TaskChanges {
  const c: TaskChanges = {};
  if (f.title.trim() && f.title.trim() !== base.title) c.title = f.title.trim();
  if (f.status !== base.status) c.status = f.status;
  if (f.due && f.due !== dueOf(base)) c.due = f.due;
  if (f.description !== base.description) c.description = f.description;
  return c;
}

/** One task's saver. `base` is the task as last known (updated by each save's answer). */
export class TaskSaver {
  readonly saver: AutoSaver;
  constructor(
    public base: TaskView,
    update: (changes: TaskChanges) => Promise<TaskView>,
  ) {
    this.saver = new AutoSaver(async (json) => {
      const changes = changesFrom(this.base, JSON.parse(json) as TaskFields);
      if (Object.keys(changes).length === 0) return this.base;
      const v = await update(changes);
      this.base = v;
      return v;
    });
  }

  /** The person edited: send the fields (now, or right after the save in flight). */
  edit(f: TaskFields) {
    this.saver.input(JSON.stringify(f));
  }

  /** The fields typed and not yet confirmed saved, if any. */
  unsaved(): TaskFields | null {
    return this.saver.dirty && this.saver.latest ? (JSON.parse(this.saver.latest) as TaskFields) : null;
  }
}

const savers = new Map<string, TaskSaver>();

/** The one saver of a task, created on first use; `v` refreshes its base when idle. */
export function taskSaverFor(v: TaskView, update: (changes: TaskChanges) => Promise<TaskView>): TaskSaver {
  let s = savers.get(v.id);
  if (!s) {
    s = new TaskSaver(v, update);
    savers.set(v.id, s);
  } else if (!s.saver.dirty) {
    s.base = v;
  }
  return s;
}

/**
 * Leaving the open task while its due date is typed halfway: the first try is held and the
 * form says so (the date cannot be saved as it is); a second try leaves without it. The
 * open detail registers the check; the list asks it before opening another task.
 */
let leaveGuard: (() => boolean) | null = null;

export function setLeaveGuard(g: (() => boolean) | null) {
  leaveGuard = g;
}

/** True when leaving must wait (the detail has just said why). */
export function holdLeave(): boolean {
  return leaveGuard ? leaveGuard() : false;
}
