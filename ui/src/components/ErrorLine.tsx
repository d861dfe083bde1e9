// The one way an error is shown: a red sentence with class "error" and role="alert".
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

/** A calm confirmation line (polite live region). */
export function OkLine({ text }: { text: string | null }) {
  return <p class="ok" role="status" aria-live="polite">{text ?? ""}</p>;
}
