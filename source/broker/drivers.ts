import type {BrokerDriver, BrokerType} from './driver.js';
import {rabbitmqDriver} from './rabbitmq/index.js';

/**
 * The snapshot (REST) drivers by broker type. Mosquitto is opened by open-broker.ts itself: its
 * log file and its link are opened together.
 */
const drivers: Partial<Record<BrokerType, BrokerDriver>> = {rabbitmq: rabbitmqDriver};

export function driverFor(type: BrokerType): BrokerDriver | undefined {
	return drivers[type];
}
