/** A broker the demo started and must stop again. */
export type DemoBroker = {
	flavour: 'mosquitto' | 'aedes';
	/** For the header, e.g. "demo: Mosquitto 2.0.11". */
	label: string;
	host: '127.0.0.1';
	port: number;
	/** Where its files are, for the progress log. */
	detail?: string;
	stop(): Promise<void>;
};
