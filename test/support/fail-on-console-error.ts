// An unexpected console.error is a bug the test did not look for: fail the test. A test that
// expects one says so with `expectConsoleError()`.
import { afterEach, beforeEach, expect, vi, type MockInstance } from "vitest";

let spy: MockInstance<typeof console.error>;
let expected = false;

export function expectConsoleError(): void {
  expected = true;
}

beforeEach(() => {
  expected = false;
  spy = vi.spyOn(console, "error");
});

afterEach(() => {
  const calls = spy.mock.calls;
  spy.mockRestore();
  if (!expected) expect(calls, "console.error was called").toEqual([]);
});
