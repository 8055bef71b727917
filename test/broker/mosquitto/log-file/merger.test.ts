import {describe, expect, test} from 'vitest';
import {LogMerger} from '../../../../source/broker/mosquitto/log-file/merger.js';
import {parseLogMessage, splitTimestamp} from '../../../../source/broker/mosquitto/log-parser.js';
import type {SessionEvent} from '../../../../source/model/types.js';

const line = (n: number, message: string) => `${1_795_313_850 + n}: ${message}`;
const disconnect = line(0, 'Client gw-01 disconnected.');
const connect = line(0, 'New client connected from 10.0.0.1:5000 as gw-01 (p2, c1, k60).');

function setup(options: {horizonMs?: number; maxPending?: number} = {}) {
	let now = 1000;
	const applied: SessionEvent[] = [];
	const parse = (payload: string) => {
		const {time, message} = splitTimestamp(payload, 0);
		return parseLogMessage(message, time);
	};
	const merger = new LogMerger(
		(event) => applied.push(event),
		(_topic, payload) => parse(payload),
		{...options, now: () => now},
	);
	return {
		merger,
		applied,
		file: (text: string) => merger.fileLine(text, parse(text), false),
		topic: (text: string) => merger.topicMessage('$SYS/broker/log/N', text, now),
		advance: (ms: number) => {
			now += ms;
		},
	};
}

describe('one line from both sources counts once', () => {
	test('file first, then topic', () => {
		const {file, topic, applied, merger} = setup();
		file(connect);
		topic(connect);
		expect(applied.map((e) => e.type)).toEqual(['connect']);
		expect(merger.stats).toMatchObject({fromFile: 1, fromTopic: 0, duplicates: 1});
	});

	test('topic first, then file', () => {
		const {file, topic, applied, merger} = setup();
		topic(connect);
		file(connect);
		expect(applied.map((e) => e.type)).toEqual(['connect']);
		expect(merger.stats).toMatchObject({fromFile: 0, fromTopic: 1, duplicates: 1});
	});

	test('the same text twice in one second is two events, from either mix of sources', () => {
		const {file, topic, applied} = setup();
		topic(disconnect);
		topic(disconnect);
		file(disconnect);
		file(disconnect);
		file(connect); // and the pairing did not swallow anything else
		topic(connect);
		expect(applied.map((e) => e.type)).toEqual(['disconnect', 'disconnect', 'connect']);
	});

	test('a third copy with no twin still counts', () => {
		const {file, topic, applied} = setup();
		topic(disconnect);
		file(disconnect);
		file(disconnect);
		expect(applied).toHaveLength(2);
	});

	test('debug lines (file only) pass straight through and are never held for pairing', () => {
		const {merger, applied} = setup();
		const traffic: SessionEvent = {type: 'traffic', time: 0, clientId: 'gw-01', direction: 'in', packet: 'PINGREQ', bytes: 0};
		merger.fileLine('', traffic, true);
		merger.fileLine('', traffic, true);
		expect(applied).toEqual([traffic, traffic]);
		expect(merger.pending).toBe(0);
	});
});

describe('replay', () => {
	test('topic messages wait until the replay is done, then pair with what it read', () => {
		const {merger, file, topic, applied} = setup();
		merger.setReplaying(true);
		topic(connect); // already in the file: the replay reads it below
		topic(disconnect); // not yet read from the file when the replay ends
		file(connect);
		expect(applied.map((e) => e.type)).toEqual(['connect']);
		merger.setReplaying(false);
		expect(applied.map((e) => e.type)).toEqual(['connect', 'disconnect']);
		file(disconnect); // following reads it later: already counted
		expect(applied).toHaveLength(2);
		expect(merger.stats).toMatchObject({heldDuringReplay: 2, duplicates: 2});
	});

	test('held messages are bounded: the oldest go first (the file holds them anyway)', () => {
		const {merger, topic, applied} = setup({maxPending: 3});
		merger.setReplaying(true);
		for (let i = 0; i < 5; i++) topic(line(i, `Client c${i} disconnected.`));
		merger.setReplaying(false);
		expect(applied.map((e) => (e.type === 'disconnect' ? e.clientId : ''))).toEqual(['c2', 'c3', 'c4']);
		expect(merger.stats.droppedDuringReplay).toBe(2);
	});
});

describe('bounded memory', () => {
	test('a line with no twin is forgotten after the horizon, so a much later copy counts', () => {
		const {file, topic, applied, advance, merger} = setup({horizonMs: 10_000});
		file(disconnect);
		advance(10_001);
		topic(disconnect);
		expect(applied).toHaveLength(2);
		expect(merger.stats.expired).toBe(1);
	});

	test('expiry forgets the oldest copy, not a newer unpaired one of the same text', () => {
		const {file, topic, applied, advance} = setup({horizonMs: 10_000});
		file(disconnect); // t=0, paired at once
		topic(disconnect);
		advance(5000);
		file(disconnect); // t=5 s, waits for its twin
		advance(5001); // the t=0 entry expires now
		topic(disconnect);
		expect(applied).toHaveLength(2);
	});

	test('with the file alone (no log_dest topic), pending lines stay under the cap', () => {
		const {file, merger} = setup({maxPending: 100});
		for (let i = 0; i < 10_000; i++) file(line(i, `Client c${i} disconnected.`));
		expect(merger.pending).toBeLessThanOrEqual(100);
	});
});
