// The prefix Mosquitto writes before each log message, read back: the strftime reader, a clock per
// format, and the detection of a file's format.
export {compileStrftime, TimestampFormatError} from './strftime.js';
export {createLineClock, type LineClock, type TimestampFormat} from './line-clock.js';
export {detectableFormats, detectTimestampFormat} from './format-detection.js';
