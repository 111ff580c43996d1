/** A typed array that grows by doubling (build time only): one class for the Int32 and Float64 lists. */
export class GrowableList<T extends Int32Array | Float64Array> {
  data: T;
  length = 0;
  constructor(
    private readonly allocate: (size: number) => T,
    capacity = 256,
  ) {
    this.data = allocate(Math.max(16, Math.ceil(capacity)));
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = this.allocate(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  toArray(): T {
    return this.data.slice(0, this.length) as T;
  }
}

export const intList = (capacity?: number) => new GrowableList((size) => new Int32Array(size), capacity);
export const floatList = (capacity?: number) => new GrowableList((size) => new Float64Array(size), capacity);
export type IntList = ReturnType<typeof intList>;
export type FloatList = ReturnType<typeof floatList>;
