import {randomBytes} from 'node:crypto';

/** One broker account of the demo: the monitor's (admin) or one the fleet logs in with. */
export type DemoAccount = {
	username: string;
	password: string;
	/** May use the dynamic-security control API and read `$SYS`. */
	admin?: boolean;
	/** Disabled from the start: the device that keeps knocking. */
	disabled?: boolean;
};

export const monitorUsername = 'mqtt-top-demo';

export function randomPassword(): string {
	return randomBytes(12).toString('base64url');
}

/** The monitor's account plus one account per distinct device username (first spec wins). */
export function demoAccounts(
	monitorPassword: string,
	devices: Array<{username: string; password: string; blocked?: boolean}>,
): DemoAccount[] {
	const accounts = new Map<string, DemoAccount>();
	accounts.set(monitorUsername, {username: monitorUsername, password: monitorPassword, admin: true});
	for (const device of devices) {
		if (accounts.has(device.username)) continue;
		accounts.set(device.username, {username: device.username, password: device.password, disabled: device.blocked === true});
	}

	return [...accounts.values()];
}
