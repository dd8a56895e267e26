import { useEffect, useRef, useState, type ReactElement } from "react";

/** What a destructive action asks, once. */
export type Ask = {
  title: string;
  /** What it will do, in words. */
  body: string;
  /** The button that does it ("Discard draft"). */
  confirm: string;
  /** Ask for a reason too (kept in the audit trail); required when set. */
  reason?: string;
};

/**
 * A modal question before a destructive action: it says what will happen,
 * focus starts on "Cancel" (the safe choice), Escape cancels and Enter in
 * the reason field confirms. `ask` resolves to the reason ("" when none
 * is asked) or null when cancelled.
 */
export function useConfirm(): [ReactElement | null, (a: Ask) => Promise<string | null>] {
  const [open, setOpen] = useState<{ ask: Ask; done: (v: string | null) => void } | null>(null);
  const ask = (a: Ask) => new Promise<string | null>((done) => setOpen({ ask: a, done }));
  const close = (v: string | null) => {
    open?.done(v);
    setOpen(null);
  };
  return [open ? <ConfirmDialog ask={open.ask} onClose={close} /> : null, ask];
}

function ConfirmDialog(props: { ask: Ask; onClose: (v: string | null) => void }) {
  const { ask, onClose } = props;
  const [reason, setReason] = useState("");
  const cancel = useRef<HTMLButtonElement>(null);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    (ask.reason ? field.current : cancel.current)?.focus();
  }, []);
  const ok = !ask.reason || reason.trim().length > 0;
  return (
    <div className="modal-backdrop">
      <div
        className="modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-body"
        onKeyDown={(e) => {
          if (e.key === "Escape") onClose(null);
        }}
      >
        <h2 id="confirm-title">{ask.title}</h2>
        <p id="confirm-body">{ask.body}</p>
        {ask.reason && (
          <label>
            {ask.reason}{" "}
            <input
              ref={field}
              aria-label={ask.reason}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && ok) onClose(reason.trim());
              }}
            />
          </label>
        )}
        <div className="actions">
          <button ref={cancel} onClick={() => onClose(null)} data-action="cancel">Cancel</button>
          <button className="danger" disabled={!ok} onClick={() => onClose(reason.trim())} data-action="confirm">{ask.confirm}</button>
        </div>
      </div>
    </div>
  );
}
