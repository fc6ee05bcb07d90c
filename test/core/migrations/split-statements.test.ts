import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../../src/core/migrations/split-statements.js';

describe('splitStatements', () => {
  it('splits at top-level semicolons and drops empty and comment-only parts', () => {
    expect(splitStatements('SELECT 1;\n-- a comment; not a split\nSELECT 2;; /* only */ ;')).toEqual([
      'SELECT 1',
      '-- a comment; not a split\nSELECT 2',
    ]);
  });

  it('keeps semicolons inside strings, identifiers, comments and dollar quotes', () => {
    const sql = [
      "INSERT INTO t VALUES ('a;b', 'it''s; fine')",
      'CREATE TABLE "odd;name" (id int)',
      'SELECT 1 /* a; comment */ + 1',
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$',
      'CREATE FUNCTION g() RETURNS int LANGUAGE sql AS $f1$ SELECT 2; $f1$',
      "SELECT E'it\\'s; escaped'",
    ];
    expect(splitStatements(sql.join(';\n') + ';')).toEqual(sql);
  });

  it('does not take a $n parameter or a name with $ for a dollar quote', () => {
    expect(splitStatements('SELECT a$b$c FROM t; SELECT 2')).toEqual(['SELECT a$b$c FROM t', 'SELECT 2']);
  });
});
