/** What `run` throws (undefined when it returns), for a test that looks inside the error. */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  return undefined;
}
