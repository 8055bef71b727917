/** Whether a message published on `topic` would be delivered to a subscription to `filter` (MQTT 3.1.1 §4.7). */
export function topicMatches(filter: string, topic: string): boolean {
	if (filter === topic) return true;
	const f = filter.split('/');
	const t = topic.split('/');
	// Wildcards at the first level do not match topics that start with '$'.
	if (topic.startsWith('$') && (f[0] === '#' || f[0] === '+')) return false;
	for (let i = 0; i < f.length; i++) {
		if (f[i] === '#') return i === f.length - 1;
		if (i >= t.length) return false;
		if (f[i] !== '+' && f[i] !== t[i]) return false;
	}

	return f.length === t.length;
}
