import { UsageError } from '../errors.js';
import { compilePrintf, type PrintfFormat } from './printf-format.js';
import { TESTS, UNSUPPORTED, type EntryTest, type TestContext } from './primaries.js';

/** What an action does with an entry that reaches it. */
export type FindAction = { readonly kind: 'print' } | { readonly kind: 'print0' } | { readonly kind: 'printf'; readonly format: PrintfFormat };

/** The expression as find's grammar reads it. */
export type ExpressionNode =
  | { readonly kind: 'test'; readonly test: EntryTest }
  | { readonly kind: 'action'; readonly action: FindAction }
  | { readonly kind: 'not'; readonly operand: ExpressionNode }
  | { readonly kind: 'and' | 'or' | 'comma'; readonly left: ExpressionNode; readonly right: ExpressionNode };

export interface ParsedExpression {
  /** Null for an empty expression (everything is printed). */
  readonly root: ExpressionNode | null;
  readonly minDepth: number;
  readonly maxDepth: number;
  readonly hasAction: boolean;
  readonly needsFullAttributes: boolean;
  readonly needsListing: boolean;
}

const REGEX_TYPES = new Set(['emacs', 'findutils-default']);

/**
 * A recursive-descent parser of find's expression language, by precedence from
 * lowest: `expr , expr`; `expr -o expr`; `expr [-a] expr` (juxtaposition is -a);
 * `! expr`; `( expr )` and the primaries. Options (-maxdepth, -mindepth, -depth,
 * -regextype) are read where they stand and are always true, as in find. Errors are
 * UsageErrors in find's own words.
 */
class Parser {
  private position = 0;
  minDepth = 0;
  maxDepth = Number.POSITIVE_INFINITY;
  hasAction = false;
  needsFullAttributes = false;
  needsListing = false;

  constructor(
    private readonly tokens: readonly string[],
    private readonly context: TestContext,
  ) {}

  parse(): ExpressionNode | null {
    if (this.tokens.length === 0) return null;
    const root = this.comma();
    const rest = this.peek();
    if (rest === ')') throw new UsageError(`you have too many ')'`);
    if (rest !== undefined) throw new UsageError(`paths must precede expression: '${rest}'`);
    return root;
  }

  private peek(): string | undefined {
    return this.tokens[this.position];
  }

  private comma(): ExpressionNode {
    let left = this.or();
    while (this.peek() === ',') {
      this.position++;
      left = { kind: 'comma', left, right: this.operandAfter(',', () => this.or()) };
    }
    return left;
  }

  private or(): ExpressionNode {
    let left = this.and();
    while (this.peek() === '-o' || this.peek() === '-or') {
      const operator = this.tokens[this.position++]!;
      left = { kind: 'or', left, right: this.operandAfter(operator, () => this.and()) };
    }
    return left;
  }

  private and(): ExpressionNode {
    let left = this.unary();
    for (;;) {
      const next = this.peek();
      if (next === '-a' || next === '-and') {
        this.position++;
        left = { kind: 'and', left, right: this.operandAfter(next, () => this.unary()) };
      } else if (next !== undefined && next !== ')' && next !== ',' && next !== '-o' && next !== '-or') {
        left = { kind: 'and', left, right: this.unary() };
      } else return left;
    }
  }

  private unary(): ExpressionNode {
    const token = this.peek();
    if (token === '!' || token === '-not') {
      this.position++;
      return { kind: 'not', operand: this.operandAfter(token, () => this.unary()) };
    }
    return this.primary();
  }

  /** The operand an operator needs, or find's message when there is none. */
  private operandAfter(operator: string, parse: () => ExpressionNode): ExpressionNode {
    const next = this.peek();
    if (next === undefined) throw new UsageError(`expected an expression after '${operator}'`);
    if (next === ')' || next === '-o' || next === '-or' || next === '-a' || next === '-and' || next === ',') {
      throw new UsageError(`invalid expression; you have used a binary operator '${next}' with nothing before it.`);
    }
    return parse();
  }

  private primary(): ExpressionNode {
    const token = this.tokens[this.position++]!;
    if (token === '(') {
      if (this.peek() === ')') throw new UsageError('invalid expression; empty parentheses are not allowed.');
      if (this.peek() === undefined) throw new UsageError(`invalid expression; I was expecting to find a ')' somewhere but did not see one.`);
      const inner = this.comma();
      if (this.peek() !== ')') throw new UsageError(`invalid expression; I was expecting to find a ')' somewhere but did not see one.`);
      this.position++;
      return inner;
    }
    if (token === ')') throw new UsageError(`invalid expression; you have used a binary operator ')' with nothing before it.`);
    if (token === '-o' || token === '-or' || token === '-a' || token === '-and' || token === ',') {
      throw new UsageError(`invalid expression; you have used a binary operator '${token}' with nothing before it.`);
    }
    const option = this.option(token);
    if (option !== null) return option;
    const action = this.action(token);
    if (action !== null) return action;
    const definition = Object.hasOwn(TESTS, token) ? TESTS[token]! : undefined;
    if (definition === undefined) {
      if (UNSUPPORTED.has(token)) throw new UsageError(`${token} is a find predicate that pwalk-ts find does not take`);
      if (token.startsWith('-') && token.length > 1) throw new UsageError(`unknown predicate '${token}'`);
      throw new UsageError(`paths must precede expression: '${token}'`);
    }
    this.needsFullAttributes ||= definition.needsFullAttributes;
    this.needsListing ||= definition.needsListing === true;
    const argument = definition.arity === 1 ? this.argument(token) : '';
    return { kind: 'test', test: definition.make(argument, this.context) };
  }

  private argument(predicate: string): string {
    const value = this.tokens[this.position++];
    if (value === undefined) throw new UsageError(`missing argument to '${predicate}'`);
    return value;
  }

  private option(token: string): ExpressionNode | null {
    if (token === '-maxdepth' || token === '-mindepth') {
      const text = this.argument(token);
      if (!/^\d+$/.test(text)) throw new UsageError(`Expected a positive decimal integer argument to ${token}, but got '${text}'`);
      if (token === '-maxdepth') this.maxDepth = Number(text);
      else this.minDepth = Number(text);
    } else if (token === '-regextype') {
      const type = this.argument(token);
      if (!REGEX_TYPES.has(type))
        throw new UsageError(`-regextype ${type} is not taken: pwalk-ts find reads find's default dialect (emacs, findutils-default) only`);
    } else if (token !== '-depth') {
      return null;
    }
    return { kind: 'test', test: () => true };
  }

  private action(token: string): ExpressionNode | null {
    let action: FindAction;
    if (token === '-print') action = { kind: 'print' };
    else if (token === '-print0') action = { kind: 'print0' };
    else if (token === '-printf') {
      const format = compilePrintf(this.argument(token));
      this.needsFullAttributes ||= format.needsFullAttributes;
      action = { kind: 'printf', format };
    } else return null;
    this.hasAction = true;
    return { kind: 'action', action };
  }
}

export function parseExpression(tokens: readonly string[], context: TestContext): ParsedExpression {
  const parser = new Parser(tokens, context);
  const root = parser.parse();
  const { minDepth, maxDepth, hasAction, needsFullAttributes, needsListing } = parser;
  return { root, minDepth, maxDepth, hasAction, needsFullAttributes, needsListing };
}
