// The gateway's version, shown by --version, the build info metric and the status API.
import packageJson from '../package.json' with { type: 'json' };

export const VERSION: string = packageJson.version;
