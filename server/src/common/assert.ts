// Exhaustiveness: a switch over a union ends in `assertNever(x)`, so a member added to the union
// without a case is a compile-time error (and, should a value slip past the types, a loud one).
export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
