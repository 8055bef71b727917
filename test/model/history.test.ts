import {expect, test} from 'vitest';
import {parseLogMessage} from '../../source/broker/mosquitto/log-parser.js';
import {describeHistory} from '../../source/model/history.js';
import type {HistoryEntry} from '../../source/model/types.js';

const describe = (line: string) => describeHistory(parseLogMessage(line, 0) as HistoryEntry);

test.each([
	[
		"New client connected from 10.0.0.1:5 as a b (p5, c0, k45, u'alice').",
		'connect',
		'from 10.0.0.1:5, MQTT 5.0, clean start c0, keep-alive 45s, user alice',
	],
	[
		'New client connected from 10.0.0.1:5 as anon (p2, c1, k60).',
		'connect',
		'from 10.0.0.1:5, MQTT 3.1.1, clean, keep-alive 60s, no username',
	],
	['Client a has exceeded timeout, disconnecting.', 'disconnect', 'disconnected: keep-alive timeout'],
	['Client a disconnected: Connection reset by peer.', 'disconnect', 'disconnected: Connection reset by peer'],
	['Client a disconnected, not authorised.', 'disconnect', 'disconnected: not authorised'],
	['Client a already connected, closing old connection.', 'takeover', 'old connection closed by a new one with the same client ID'],
	['Expiring client a due to timeout.', 'expire', 'persistent session expired'],
	['dynsec: ops/admin | disableClient | username=alice', 'account', 'disableClient by ops/admin'],
])('%s', (line, kind, detail) => {
	expect(describe(line)).toEqual({kind, detail});
});

test('subscriptions, granted and refused', () => {
	expect(describeHistory({type: 'subscribe', time: 0, clientId: 'a', topic: 'x/#', qos: 1})).toEqual({
		kind: 'subscribe',
		detail: 'x/# (QoS 1)',
	});
	expect(describeHistory({type: 'subscribe', time: 0, clientId: 'a', topic: 'x/#', qos: 135})).toEqual({
		kind: 'subscribe',
		detail: 'x/# refused (code 135)',
	});
	expect(describeHistory({type: 'unsubscribe', time: 0, clientId: 'a', topic: 'x/#'})).toEqual({kind: 'unsubscribe', detail: 'x/#'});
});
