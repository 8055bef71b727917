import type {SessionStore} from '../../model/session-store.js';
import type {BrokerCounters} from '../../model/types.js';

export const sysTopics = ['$SYS/broker/clients/#', '$SYS/broker/version', '$SYS/broker/uptime'];

const counters: Record<string, keyof BrokerCounters> = {
	'$SYS/broker/clients/connected': 'connected',
	'$SYS/broker/clients/active': 'connected', // Mosquitto 1.x name
	'$SYS/broker/clients/total': 'total',
	'$SYS/broker/clients/disconnected': 'disconnected',
	'$SYS/broker/clients/maximum': 'maximum',
	'$SYS/broker/clients/expired': 'expired',
};

/** Applies one retained `$SYS` value ("12", "mosquitto version 2.0.11", "3600 seconds"). */
export function applySysTopic(store: SessionStore, topic: string, payload: string): boolean {
	if (topic === '$SYS/broker/version') {
		store.setBrokerCounter('version', payload.replace(/^mosquitto version /, '').trim());
		return true;
	}

	const number = Number.parseInt(payload, 10);
	if (Number.isNaN(number)) return false;
	if (topic === '$SYS/broker/uptime') {
		store.setBrokerCounter('uptime', number);
		return true;
	}

	const name = counters[topic];
	if (!name) return false;
	store.setBrokerCounter(name, number);
	return true;
}
