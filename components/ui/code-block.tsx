/**
 * Code that may scroll: focusable so the keyboard can scroll it, and named so a screen reader says what it
 * is (https://www.w3.org/WAI/WCAG22/Understanding/keyboard.html).
 */
export function CodeBlock({
  label,
  children,
  className = "",
  testId,
}: {
  label: string;
  children: string;
  className?: string;
  testId?: string;
}) {
  return (
    <pre
      role="region"
      aria-label={label}
      tabIndex={0}
      data-testid={testId}
      className={`overflow-auto rounded bg-slate-900 font-mono text-xs text-slate-100 ${className}`}
    >
      {children}
    </pre>
  );
}
