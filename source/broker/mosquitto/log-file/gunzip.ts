import {createReadStream} from 'node:fs';
import {pipeline, type Readable} from 'node:stream';
import {createGunzip, type ZlibOptions} from 'node:zlib';

/**
 * The decompressed bytes of a .gz file, to read with `for await`. Built with pipeline, not pipe:
 * pipe() leaves an error of the file stream (the file rotated away, unreadable) unhandled, which
 * ends the whole process; here every error reaches the reader's loop instead.
 */
export function gunzipFile(file: string, options?: ZlibOptions, onCompressed?: (bytes: number) => void): Readable {
	const input = createReadStream(file);
	if (onCompressed) input.on('data', (chunk) => onCompressed(chunk.length));
	return pipeline(input, createGunzip(options), () => {
		// Errors are raised to the reader by the stream it iterates.
	});
}
