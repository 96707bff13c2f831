/**
 * What a call that must be refused did, without its result: a test that expects a
 * refusal and gets an answer must not print the answer, which is often a token or a
 * session (Jest prints a resolved value in full; docs/threat-model.md, log hygiene).
 */
export type Refusal = { readonly name: string; readonly message: string } | "accepted";

export async function refusalOf(call: Promise<unknown>): Promise<Refusal> {
  try {
    await call;
    return "accepted";
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    return { name, message };
  }
}
