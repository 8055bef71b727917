// Reading Mosquitto's own log file: rebuilds the sessions that connected before the monitor
// (Mosquitto 2.0 cannot list them), then follows the file live alongside $SYS/broker/log/#.
export {chooseLogFile, canReadFile, defaultLogFile, isLocalHost, type LogFileChoice, type LogFileRequest} from './choose.js';
export {LogMerger, type MergerOptions, type MergerStats} from './merger.js';
export {openLogFile, type LogFile, type LogFileOptions, type LogFileStatus} from './open.js';
export {replayText, type ReplayProgress, type ReplayStats} from './replay.js';
export {generateLog, type SyntheticLogOptions} from './synthetic.js';
export {detectTimestampFormat, type TimestampFormat} from './timestamp.js';
export {isStuck} from '../../../model/activity.js';
