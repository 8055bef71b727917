// Kept apart from the demo itself so the CLI can check --demo-broker without loading aedes.
export const demoBrokerChoices = ['auto', 'mosquitto', 'embedded'] as const;
export type DemoBrokerChoice = (typeof demoBrokerChoices)[number];
