import type {BrokerDriver, BrokerType} from './driver.js';
import {emqxDriver} from './emqx/driver.js';
import {rabbitmqDriver} from './rabbitmq/index.js';
import {vernemqDriver} from './vernemq/driver.js';

/**
 * The snapshot (REST) drivers by broker type. Mosquitto is opened by open-broker.ts itself: its
 * log file and its link are opened together.
 */
const drivers: Partial<Record<BrokerType, BrokerDriver>> = {rabbitmq: rabbitmqDriver, emqx: emqxDriver, vernemq: vernemqDriver};

export function driverFor(type: BrokerType): BrokerDriver | undefined {
	return drivers[type];
}
