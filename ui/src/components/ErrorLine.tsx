// The one way an error is shown: a red sentence with class "error" and role="alert"; and
// the one way a success is: a line that clears itself.
import { useEffect, useState } from "preact/hooks";
import { errorDetail, errorText } from "../errors";

export function ErrorLine({ error, id }: { error: unknown; id?: string }) {
  if (error == null || error === false) return null;
  const detail = typeof error === "string" ? null : errorDetail(error);
  return (
    <p class="error" role="alert" id={id}>
      {typeof error === "string" ? error : errorText(error)}
      {detail && <span class="error-detail"> {detail}</span>}
    </p>
  );
}

/** How long a confirmation stays: long enough to read, then it clears itself. */
export const OK_MS = 5000;

/** A calm confirmation line (polite live region) that clears itself after a few seconds. */
export function OkLine({ text, testid }: { text: string | null; testid?: string }) {
  const [shown, setShown] = useState(text);
  useEffect(() => {
    setShown(text);
    if (!text) return;
    const timer = setTimeout(() => setShown(null), OK_MS);
    return () => clearTimeout(timer);
  }, [text]);
  return <p class="ok" role="status" aria-live="polite" data-testid={testid}>{shown ?? ""}</p>;
}
