/** Union-find over customer keys: two keys seen on one item are one customer. */
export class Identities {
	private parent = new Map<string, string>();
	private display = new Map<string, string>();
	private labels?: Map<string, string>;

	add(aliases: string[], display?: string): void {
		if (aliases.length === 0) return;
		for (const alias of aliases) if (!this.parent.has(alias)) this.parent.set(alias, alias);
		const root = this.find(aliases[0]);
		for (const alias of aliases.slice(1)) {
			const other = this.find(alias);
			if (other !== root) this.parent.set(other, root);
		}
		if (display && !this.display.has(root)) this.display.set(root, display);
	}

	find(alias: string): string {
		let root = alias;
		while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
		// Path compression keeps long chains of linked keys cheap.
		for (let node = alias; node !== root;) {
			const next = this.parent.get(node)!;
			this.parent.set(node, root);
			node = next;
		}
		return root;
	}

	/** The first display name given to any key of the customer (call once all keys are added). */
	label(alias: string): string {
		if (!this.labels) {
			this.labels = new Map();
			for (const [key, value] of this.display)
				if (!this.labels.has(this.find(key))) this.labels.set(this.find(key), value);
		}
		const root = this.find(alias);
		return this.labels.get(root) ?? root.replace(/^[a-z]+:/, '');
	}
}
