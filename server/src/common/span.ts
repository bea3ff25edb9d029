// A place in a file's text as offsets: UTF-16 offsets into the text, end exclusive. What the
// syntax tree keeps for every node and what findings and trace steps point at; common/source.ts
// turns it into line/character positions. Here, not in language/ast.ts, so that common/ does not
// depend on the front end (ast.ts re-exports it for the tree's users).

export interface Span {
  readonly start: number;
  readonly end: number;
}
