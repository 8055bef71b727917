// Subscriptions, from the MQTT plugin's queues (`mqtt-subscription-<client id>qos<n>`, whose
// message counts are what the session has queued) and their bindings to the MQTT exchange.
import {segment, type ManagementClient} from './http.js';
import {SubscriptionIndex, type ApiBinding, type ApiQueue} from './mapper.js';
import {readPages} from './paging.js';

/** The MQTT plugin's default exchange (`mqtt.exchange`). */
export const mqttExchange = 'amq.topic';

const queueQuery = `/api/queues?name=${encodeURIComponent('^mqtt-subscription-')}&use_regex=true&columns=name,vhost,messages,durable,auto_delete`;

export async function readSubscriptions(
	client: ManagementClient,
	pageSize: number,
	signal?: AbortSignal,
	exchange = mqttExchange,
): Promise<{index: SubscriptionIndex; stable: boolean}> {
	const index = new SubscriptionIndex();
	const {stable} = await readPages<ApiQueue>(client, queueQuery, pageSize, (items) => items.forEach((q) => index.addQueue(q)), signal);
	// Bindings are not paged by the API: one request per vhost that has MQTT subscriptions.
	for (const vhost of index.vhosts()) {
		const answer = await client.get<ApiBinding[]>(`/api/exchanges/${segment(vhost)}/${segment(exchange)}/bindings/source`, {
			signal,
			accept: [404],
		});
		if (answer.status === 404) continue;
		for (const binding of answer.body ?? []) index.addBinding(binding);
	}

	return {index, stable};
}
