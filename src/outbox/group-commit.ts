/**
 * Gathers items and writes them together (group commit): each write waits `lingerMs` after its
 * first item, and for the write before it to finish, taking everything that arrived meanwhile.
 * `add` resolves once the write holding the item has finished.
 */
export class GroupCommit<T> {
  private waiting: T[] = [];
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly lingerMs = 0,
  ) {}

  add(item: T): Promise<void> {
    this.waiting.push(item);
    this.next ??= this.after(this.running);
    return this.next;
  }

  private async after(previous: Promise<void> | undefined): Promise<void> {
    const linger = new Promise((resolve) => setTimeout(resolve, this.lingerMs));
    await Promise.all([previous?.catch(() => undefined), linger]);
    const items = this.waiting.splice(0);
    this.next = undefined;
    const current = this.write(items);
    this.running = current;
    try {
      await current;
    } finally {
      if (this.running === current) this.running = undefined;
    }
  }
}
