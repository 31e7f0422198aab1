// After a form comes back with errors, focus goes to the first field at fault: the submit
// button is disabled while it posts, which drops the focus to the page, and a keyboard or
// screen-reader user would otherwise have to hunt for what to fix.
import { useEffect, useRef } from "react";

export function useFocusFirstError<T extends HTMLElement>(errors: Record<string, string> | null | undefined) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (!errors || Object.keys(errors).length === 0) return;
    ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);
  return ref;
}
