import {describe, expect, it} from 'vitest';
import {nodeUrl} from '../../source/broker/open-broker.js';
import {buildConfig} from '../../source/config.js';

describe('nodeUrl', () => {
	it('names a REST node by its API URL without the credentials it may carry', () => {
		const config = buildConfig({brokerType: 'emqx', apiUrl: 'http://key:secret@emqx.example:18083/api/v5', host: 'emqx.example'});
		expect(nodeUrl(config)).toBe('http://emqx.example:18083/api/v5');
		expect(nodeUrl(buildConfig({host: 'm.example'}))).toBe('mqtt://m.example:1883');
	});
});
