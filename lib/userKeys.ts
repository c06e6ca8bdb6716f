/**
 * Objects keyed by what outsiders send (contact fields and ids, tags, statuses, languages) must not
 * reach Object.prototype: `obj["__proto__"] = x` replaces the prototype instead of storing a value,
 * and `table["constructor"]` finds a function that was never put there. Lookups and writes with
 * such keys go through these two helpers (or a `Map`).
 */

/** `table[key]` when the table itself holds the key, never an inherited member. */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
	return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** `target[key] = value` as an own data property, also for `__proto__`. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
	if (key === '__proto__')
		Object.defineProperty(target, key, {
			value,
			writable: true,
			enumerable: true,
			configurable: true,
		});
	else target[key] = value;
}
