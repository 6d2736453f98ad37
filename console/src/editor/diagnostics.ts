import {
  findNodeAtLocation,
  getNodeValue,
  type Node,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';
import { DEFAULT_WEBHOOK_SIZE_LIMITS } from '../../../shared-layer/src/job-spec.ts';
import { formatPath, validateJobSpec } from '../../../shared-layer/src/validation.ts';

/** One problem of the editor's text, at a 1-based line and column. */
export interface Diagnostic {
  readonly line: number;
  readonly column: number;
  /** The API's own line for it: `Field 'timeline -> 0 -> start': …`, or the JSON syntax error. */
  readonly message: string;
}

export type Checked =
  | { readonly ok: true; readonly spec: unknown }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** What a JSON syntax error code means, in words. */
const SYNTAX_WORDS: Record<string, string> = {
  InvalidSymbol: 'an unexpected character',
  InvalidNumberFormat: 'a number written wrongly',
  PropertyNameExpected: 'a property name in double quotes expected',
  ValueExpected: 'a value expected',
  ColonExpected: 'a colon expected',
  CommaExpected: 'a comma expected',
  CloseBraceExpected: 'a closing brace expected',
  CloseBracketExpected: 'a closing bracket expected',
  EndOfFileExpected: 'nothing more expected',
  UnexpectedEndOfString: 'a string not closed',
  UnexpectedEndOfComment: 'a comment not closed',
  InvalidEscapeCharacter: 'an invalid escape in a string',
  InvalidCharacter: 'a control character in a string',
  InvalidCommentToken: 'a comment, which JSON does not allow',
  InvalidUnicode: 'an invalid \\u escape in a string',
};

/**
 * The editor's text checked as the API checks a submit: first as JSON (the API answers `Invalid
 * JSON in request body`; here the place is named), then with the contract's own validator, so each
 * message is the line the API's 400 gives for that field, placed at the line of the field (or of
 * the nearest object that exists, for a field that is missing).
 */
export function checkSpecText(text: string): Checked {
  const syntaxErrors: ParseError[] = [];
  const root = parseTree(text, syntaxErrors, { disallowComments: true, allowTrailingComma: false });
  if (syntaxErrors.length > 0 || root === undefined) {
    const first = syntaxErrors[0];
    const offset = first?.offset ?? 0;
    const words = first ? (SYNTAX_WORDS[printParseErrorCode(first.error)] ?? 'a syntax error') : 'no JSON';
    return {
      ok: false,
      diagnostics: [{ ...positionOf(text, offset), message: `Invalid JSON in request body: ${words}` }],
    };
  }
  const spec: unknown = getNodeValue(root);
  const result = validateJobSpec(spec, DEFAULT_WEBHOOK_SIZE_LIMITS);
  if (result.ok) return { ok: true, spec };
  const diagnostics = result.error.problems.map((problem) => ({
    ...positionOf(text, offsetOfPath(root, problem.path)),
    message: `Field '${formatPath(problem.path)}': ${problem.message}`,
  }));
  return { ok: false, diagnostics: diagnostics.sort((a, b) => a.line - b.line || a.column - b.column) };
}

/** Where a path's property starts (its key), or its nearest existing ancestor's. */
function offsetOfPath(root: Node, path: readonly (string | number)[]): number {
  for (let length = path.length; length > 0; length--) {
    const node = findNodeAtLocation(root, path.slice(0, length));
    if (node) return node.parent?.type === 'property' ? node.parent.offset : node.offset;
  }
  return root.offset;
}

/** 1-based line and column of an offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
