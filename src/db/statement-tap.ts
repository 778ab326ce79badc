/**
 * Hears the text of every statement sent to the database, through any connection: what the cost
 * budgets (test/costs) count. With no listener it costs one size check per statement.
 */
export class StatementTap {
  private readonly listeners = new Set<(text: string) => void>();

  /** Calls `onStatement` for each statement from now on, until the returned function is called. */
  listen(onStatement: (text: string) => void): () => void {
    this.listeners.add(onStatement);
    return () => {
      this.listeners.delete(onStatement);
    };
  }

  heard(text: string): void {
    if (this.listeners.size === 0) return;
    for (const listener of this.listeners) listener(text);
  }
}

/** The text of what pg's `query` is called with: a string or a config object. */
export function statementText(first: unknown): string {
  if (typeof first === 'string') return first;
  if (typeof first === 'object' && first !== null && 'text' in first && typeof first.text === 'string') return first.text;
  return '';
}
