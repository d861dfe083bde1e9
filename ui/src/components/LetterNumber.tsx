// The letter number (nomor surat) of an approved letter, set apart: it is what a person
// copies into a register or reads out on the phone, so it is large, selectable and labelled
// rather than a few words at the end of the status ("Disetujui · No. …").
import { Fragment } from "preact";
import { t } from "../i18n";

export function LetterNumber({ number, testid }: { number: string | null | undefined; testid: string }) {
  if (!number) return null;
  return (
    <p class="letter-number">
      <span class="letter-number-label">{t("doc.letterNumber")}</span>
      <strong class="letter-number-value" data-testid={testid}>
        {/* A long number may wrap, but only after one of its slashes. */}
        {number.split("/").map((part, i) => (
          <Fragment key={i}>
            {i > 0 && <>/<wbr /></>}
            {part}
          </Fragment>
        ))}
      </strong>
    </p>
  );
}
