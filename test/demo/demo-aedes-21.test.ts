import {demoScenario} from './scenario.js';

// The embedded broker writing Mosquitto 2.1.1+ lines: the monitor reads the same fleet from them.
demoScenario('embedded', /^demo: embedded aedes 1\.2\.\d+, Mosquitto 2\.1 log$/, /^aedes 1\.2\.\d+ \(mqtt-top demo\)$/, '2.1');
