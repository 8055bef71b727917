// Needs Mosquitto with mosquitto_ctrl and the dynamic-security plugin: fails loudly without.
import {demoScenario} from './scenario.js';

demoScenario('mosquitto', /^demo: Mosquitto 2\.\d+\.\d+$/, /^2\.\d+\.\d+$/);
