// Kept apart from the demo itself so the CLI can check --demo-broker without loading aedes.
export const demoBrokerChoices = ['auto', 'mosquitto', 'embedded'] as const;
export type DemoBrokerChoice = (typeof demoBrokerChoices)[number];

/** Which Mosquitto's log lines the embedded broker writes. */
export const demoDialects = ['2.0', '2.1'] as const;
export type DemoDialect = (typeof demoDialects)[number];
