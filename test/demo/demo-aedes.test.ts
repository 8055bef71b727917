import {demoScenario} from './scenario.js';

demoScenario('embedded', /^demo: embedded aedes 1\.2\.\d+$/, /^aedes 1\.2\.\d+ \(mqtt-top demo\)$/);
